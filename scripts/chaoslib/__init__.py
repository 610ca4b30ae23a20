"""The crash test's parts (scripts/chaos): the database it runs on, the server it kills, the
load it sends, the mail server it counts, and the checks it makes afterwards."""
