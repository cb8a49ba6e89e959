"""The web UI and REST API over the :class:`minbar.Minbar` facade (``minbar serve``)."""
