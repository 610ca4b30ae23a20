DROP TABLE charges;
DROP TABLE citations;
DROP TABLE court_holidays;
DROP TABLE offenses;
