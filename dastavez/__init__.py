"""dastavez: an evidence-grade investigation platform."""

__version__ = "0.1.0"
