DROP TABLE jobs;
DROP TABLE events;
DROP TABLE letters;
