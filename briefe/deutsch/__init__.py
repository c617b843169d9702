"""German writing rules: takes an ``Empfaenger`` or a value, gives the DIN 5008 address,
the salutation, the row's problems, and the filters for dates, times, amounts and phone numbers."""
