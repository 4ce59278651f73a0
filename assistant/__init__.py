"""安全生产知识助手: retrieval, answers and the channels that serve them."""

__version__ = "0.1.0"
