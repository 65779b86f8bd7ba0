"""The open kernel: a feature added as one package and one line in the feature list."""
