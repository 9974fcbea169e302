"""Safety: crisis detection and the crisis reply."""
