"""The incident room's screens: the Incidents window, its forms, and roles in the status bar."""
