DROP INDEX plea_decisions_citation;
DROP TABLE plea_decisions;
