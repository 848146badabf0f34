"""Plain data and rules of class ``user``: no database, no transport."""
