"""The single exception type of the sizing core."""


class SizingError(ValueError):
    """Bad sizing input.

    The message is one line that names the input, the bad value and, where one
    exists, the minimum (or the set of values) that would work. Callers show it
    as-is: the CLI prints it and exits 2, the filter plugins re-raise it as
    AnsibleFilterError.
    """
