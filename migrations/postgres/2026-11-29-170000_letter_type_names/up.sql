-- The letter types take the names SPEC §3 gives them in the API (issue 9): `offer`, `hearing`
-- and `default` become `plea_offer`, `hearing_notice` and `default_notice`, in the column and in
-- the data each letter is rendered from (its JSON holds the type too). The PDFs do not change.
UPDATE letters SET letter_type = 'plea_offer',
    data = REPLACE(data, '"letter_type":"offer"', '"letter_type":"plea_offer"')
    WHERE letter_type = 'offer';
UPDATE letters SET letter_type = 'hearing_notice',
    data = REPLACE(data, '"letter_type":"hearing"', '"letter_type":"hearing_notice"')
    WHERE letter_type = 'hearing';
UPDATE letters SET letter_type = 'default_notice',
    data = REPLACE(data, '"letter_type":"default"', '"letter_type":"default_notice"')
    WHERE letter_type = 'default';
