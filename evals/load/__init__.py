"""The loopback load run (``customer-agent load``): many shoppers at once on webchat, SMS
and email against a running server, their error rate and latencies, and an audit of the
database afterwards (every inbound message answered or deliberately not, nothing twice).
"""
