DROP TABLE offer_patterns;
