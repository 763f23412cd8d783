"""The benchmark (``customer-agent bench``): turn latency, throughput, cold start, memory,
checkpoint growth, knowledge-base search and webhook acknowledgement, each figure with a
baseline measured in the same run so it reads as a ratio, and the targets of issue #9.
"""
