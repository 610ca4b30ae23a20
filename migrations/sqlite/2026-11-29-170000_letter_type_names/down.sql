-- Back to the old names. Reminders had no name before and are kept as they are (a letter is
-- never deleted).
UPDATE letters SET letter_type = 'offer',
    data = REPLACE(data, '"letter_type":"plea_offer"', '"letter_type":"offer"')
    WHERE letter_type = 'plea_offer';
UPDATE letters SET letter_type = 'hearing',
    data = REPLACE(data, '"letter_type":"hearing_notice"', '"letter_type":"hearing"')
    WHERE letter_type = 'hearing_notice';
UPDATE letters SET letter_type = 'default',
    data = REPLACE(data, '"letter_type":"default_notice"', '"letter_type":"default"')
    WHERE letter_type = 'default_notice';
