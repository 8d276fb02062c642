"""Bad input never gives a server error: every page, every GET filter, every
form field and the headers get values a careless user, a broken script or an
attacker would send (docs/bad-input.md has the count before and after the fixes)."""

from tests.fuzz.sweep import sweep


def test_no_hostile_value_anywhere_gives_a_server_error_to_the_administrator(world):
    errors = sweep(world, world.dave)
    assert not errors, f"{len(errors)} server errors:\n" + "\n".join(sorted(map(str, errors)))
