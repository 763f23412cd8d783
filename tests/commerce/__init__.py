"""Tests of the commerce package: models, order sources, the demo store."""
