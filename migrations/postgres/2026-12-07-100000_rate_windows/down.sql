DROP TABLE rate_windows;
DROP TABLE rate_salt;
