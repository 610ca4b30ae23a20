//! Match suggestions, the link endpoint and linking on import.
