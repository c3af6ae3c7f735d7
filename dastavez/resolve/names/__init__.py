"""Names across spellings and scripts: analyse one, compare two, explain why.

``analyse_name("Maulana Abdul Rehman s/o Nazir Ahmed")`` takes a name apart (script, Latin
form, titles, kunya, laqab, patronym, spelling families, phonetic and blocking keys);
``compare_names(a, b)`` scores two names in [0, 1] with an explanation; ``name_score`` is
the score alone, for ranking. See docs/names.md.
"""

from dastavez.resolve.names.analysis import NameAnalysis, NamePart, analyse_name
from dastavez.resolve.names.compare import compare_names, name_score
from dastavez.resolve.names.explain import NameMatch

__all__ = ["NameAnalysis", "NameMatch", "NamePart", "analyse_name", "compare_names", "name_score"]
