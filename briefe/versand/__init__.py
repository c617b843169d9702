"""E-mail dispatch (Versand): takes a finished run folder (its protocol, PDFs and member list),
sends each letter with an address by SMTP exactly once, gives a send journal, a print file
for the rest and the channel per letter in the protocol."""
