"""AIM — Active Intervention Management."""

__version__ = "0.1.0"
