"""minbar: multilingual media monitoring and counter-disinformation."""

__version__ = "0.1.0"
