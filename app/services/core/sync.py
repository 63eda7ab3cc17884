"""Making a record's child collections hold exactly what a source lists: the reference loader's files and the
officers' forms both replace an activity's visits, States, partners and experts this way. Children are matched by
key, so that a child that stays keeps its row (and its id: the calendar feed's UIDs rest on visit ids)."""


def sync_list(current: list, wanted: list) -> bool:
    """Make a relationship list hold exactly `wanted` (order kept); True when it changed."""
    if list(current) == list(wanted):
        return False
    current[:] = wanted
    return True


def sync_children(collection: list, wanted: dict, key, make) -> None:
    """Add children for keys in `wanted`, drop those not in it, update their fields where they differ."""
    existing = {key(child): child for child in collection}
    for child_key, child in existing.items():
        if child_key not in wanted:
            collection.remove(child)
    for child_key, values in wanted.items():
        child = existing.get(child_key)
        if child is None:
            collection.append(make(child_key, values))
        else:
            for field, value in values.items():
                if getattr(child, field) != value:
                    setattr(child, field, value)
