"""Evidence and data protection: media encrypted at rest and unlocked per person, retention
and legal holds, custody bundles, child-safety report packets."""
