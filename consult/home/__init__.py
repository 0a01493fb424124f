"""The home page, the staff dashboard, statements and the health check."""
