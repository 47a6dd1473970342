"""Due dates in working days (Monday to Friday).

Public holidays and the swapped working weekends of the State Council's
yearly calendar are not modelled: a due date may fall a day or two early
around holidays, which errs on the side of a faster reply.
"""

import datetime


def add_working_days(start, days):
    current = start
    remaining = days
    while remaining > 0:
        current += datetime.timedelta(days=1)
        if current.weekday() < 5:
            remaining -= 1
    return current
