//! The whole case for staff.
