"""A quick password hash for the tests that make and sign in users by the dozen.

Production's PBKDF2 runs a million rounds: about a second of CPU per persona
made and per sign-in on this 2-core machine, most of the suite's time in tests
about roles and pages. This one is the same algorithm in the same format
(`pbkdf2_sha256$<rounds>$…`) with fewer rounds, so a hash it made still
verifies with production's hasher (a web app the test starts), and a hash
made with a million rounds still verifies here."""

from django.contrib.auth.hashers import PBKDF2PasswordHasher


class QuickPBKDF2PasswordHasher(PBKDF2PasswordHasher):
    iterations = 1000
