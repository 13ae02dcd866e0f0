"""feudbot: answers questions about the May 2024 LeCun–Musk feud, with citations."""

__version__ = "0.1.0"
