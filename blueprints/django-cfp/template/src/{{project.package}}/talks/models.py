"""The conference's data: tracks, and (task talk-model) the talks proposed to them."""

from django.db import models


class Track(models.Model):
    """A strand of the programme, such as "Web" or "Data", with its own room."""

    name = models.CharField(max_length=60, unique=True)
    slug = models.SlugField(max_length=60, unique=True)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
