"""Staff sign-in: lockout after repeated failures, two-factor sign-in, sessions, password
reset, and the headers every page carries (README, "Security and privacy")."""
