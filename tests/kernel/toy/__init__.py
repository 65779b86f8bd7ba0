"""A toy feature, written as a new engineer would add one: this package and one line in
the feature list (here `VEIL_EXTRA_FEATURES`, as the test cannot edit app/features.py)."""
