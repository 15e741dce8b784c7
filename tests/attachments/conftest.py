import pytest


@pytest.fixture(autouse=True)
def media(attachment_media):
    """Every attachment test writes its files in a directory of its own."""
    return attachment_media
