DROP TABLE dispositions;
DROP TABLE payments;
DROP TABLE offer_charges;
DROP TABLE offers;
DROP TABLE submission_documents;
DROP TABLE pleas;
DROP TABLE submissions;
DROP TABLE documents;
