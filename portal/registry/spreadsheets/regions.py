"""Reading a region name from a cell, within the import's region and the user's scope."""

import unicodedata

from .. import access
from ..models import Region, RegionLevel
from .reader import CellError, normalise_header


LEVEL_WORDS = {RegionLevel.PROVINCE: "省级", RegionLevel.CITY: "市级", RegionLevel.COUNTY: "县级",
               RegionLevel.TOWNSHIP: "乡镇（街道）"}


class RegionLookup:
    """Finds a region of the given level(s) by code, name, or "市名+县名" and checks scope.

    Names repeat across cities (沈阳市铁西区, 鞍山市铁西区): a bare name is
    resolved inside the import's region first and is an error only if it is
    still ambiguous there.
    """

    def __init__(self, user, region, level=RegionLevel.COUNTY):
        self.user = user
        self.region = region
        self.levels = [level] if isinstance(level, str) else list(level)
        self.keys = {}
        regions = list(Region.objects.filter(level__in=self.levels).only("id", "code", "name", "path", "parent_id", "level"))
        names = dict(Region.objects.filter(level__in=[RegionLevel.PROVINCE, RegionLevel.CITY, RegionLevel.COUNTY])
                     .values_list("id", "name"))
        parents = dict(Region.objects.filter(level__in=[RegionLevel.CITY, RegionLevel.COUNTY]).values_list("id", "parent_id"))
        for r in regions:
            first = names.get(r.parent_id, "")
            second = names.get(parents.get(r.parent_id), "")
            for key in {r.code, r.name, first + r.name, second + first + r.name}:
                self.keys.setdefault(normalise_header(key), []).append(r)
        self._cache = {}

    def resolve(self, text):
        key = normalise_header(unicodedata.normalize("NFKC", text))
        if key not in self._cache:
            try:
                self._cache[key] = self._resolve(text, key)
            except CellError as exc:
                self._cache[key] = exc
        found = self._cache[key]
        if isinstance(found, CellError):
            raise found
        return found

    def _resolve(self, text, key):
        candidates = self.keys.get(key, [])
        level = "或".join(LEVEL_WORDS[x] for x in self.levels)
        if not candidates:
            if self.levels == [RegionLevel.COUNTY]:
                raise CellError(f"没有找到名为“{text}”的县级区划", "填写县（市、区）的全称，如“铁东区”，或填写 6 位区划代码")
            raise CellError(f"没有找到名为“{text}”的{level}区划", "填写区划全称，如“鞍山市”，或填写 6 位区划代码")
        inside = [c for c in candidates if self.region is None or c.path.startswith(self.region.path)]
        if not inside:
            where = self.region.full_name if self.region else ""
            # Only a user who may work above the import's region can choose a wider one.
            wider = self.user is None or any(access.can_access_region(self.user, c) for c in candidates)
            fix = ("删除这一行，或在导入时选择包含该区划的上级区划" if wider
                   else "删除这一行：该区划的数据由其所在地区的管理员导入")
            raise CellError(f"“{text}”不在本次导入的区划（{where}）内", fix)
        if len(inside) > 1:
            raise CellError(f"“{text}”对应多个{level}区划", "在名称前加上所属市名，如“鞍山市铁西区”，或填写区划代码")
        found = inside[0]
        if self.user is not None and not access.can_access_region(self.user, found):
            raise CellError(f"“{text}”不在您的管辖区划内", "只能导入本辖区的记录；请删除这一行，或请该地区的管理员导入")
        return found
