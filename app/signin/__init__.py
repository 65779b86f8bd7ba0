"""Sign-in protection as events: the hub tells a team's leads when an account (or an
address trying it) is locked out after failed sign-ins, and when it is unlocked."""
