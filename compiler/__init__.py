"""specc: compile one YAML spec of a whole AWS system into plain, linted CloudFormation."""

__version__ = "0.1.0"
