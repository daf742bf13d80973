"""Reports as plugins: a registry filled by subclassing, and validated options.

Writing ``class TopPaths(Report, name="top-paths")`` is all it takes to add a
report: the command line finds it by its name, and its options check the values
they are given.
"""

from collections.abc import Callable
from typing import Any, ClassVar, Generic, TypeVar, overload

from .records import LogRecord

T = TypeVar("T")

REPORTS: dict[str, type["Report"]] = {}
"""Every report class with a name, by name."""


class Option(Generic[T]):
    """A validated option of a report, declared as a class attribute."""

    def __init__(
        self,
        kind: type[T],
        default: T,
        *,
        check: Callable[[T], bool] | None = None,
        rule: str = "",
    ) -> None:
        self.kind = kind
        self.default = default
        self.check = check
        self.rule = rule

    @overload
    def __get__(self, instance: None, owner: type[Any]) -> "Option[T]": ...
    @overload
    def __get__(self, instance: object, owner: type[Any]) -> T: ...
    def __get__(self, instance: object | None, owner: type[Any]) -> "Option[T] | T":
        raise NotImplementedError("report-plugins: read an option")


class Report:
    """The base of every report: fed each record once, then asked for its lines."""

    name: ClassVar[str] = ""

    def __init_subclass__(cls, *, name: str = "", **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)

    def feed(self, record: LogRecord) -> None:
        """Take one record into account."""
        raise NotImplementedError(f"{type(self).__name__} does not read records yet")

    def lines(self) -> list[str]:
        """The report, as lines of text."""
        raise NotImplementedError(f"{type(self).__name__} has nothing to say yet")


def create_report(name: str, **options: object) -> Report:
    """A new report of the class registered as ``name``, with ``options`` set."""
    raise NotImplementedError("report-plugins: build a report by its name")
