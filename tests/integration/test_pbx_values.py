"""Values that need escaping reach the running Asterisk exactly as they were typed."""

import pytest

pytestmark = [pytest.mark.asterisk, pytest.mark.django_db]

# A carrier's password with everything Asterisk's parser or an HTML escaper
# could change: `;` (a comment), backslashes, `\;`, `&`, `<`, `>`, `=>`, `${`.
PASSWORD = "a\\b;c&<d>\\;e=>${f}"


def parsed_options(pbx, filename: str, category: str) -> dict[str, str]:
    """What Asterisk read from the file (GetConfig as the all-powerful test user)."""
    response = pbx.ami.action("GetConfig", Filename=filename, Category=category)
    assert response["Response"] == "Success", response
    options = {}
    for key, value in response.items():
        if key.startswith("Line-"):
            option, _, setting = value.partition("=")
            options[option] = setting
    return options


def test_a_password_with_semicolons_backslashes_and_markup_reaches_asterisk_unchanged(pbx, alice):
    (trunk,) = pbx.add_trunks("kyivstar", username="0671110011", password=PASSWORD)
    pbx.add_consultant(alice, "101")
    pbx.apply()
    auth = parsed_options(pbx, "pjsip.conf", f"trunk-{trunk.name}-auth")
    assert auth["password"] == PASSWORD
    assert auth["username"] == "0671110011"
