"""Signals of overrides: "ignore all previous instructions", "your instructions have been
updated", "previous guidelines are revoked", in English and in French, German, Spanish,
Portuguese, Italian, Dutch, Polish, Russian, Chinese and Japanese.
"""

from __future__ import annotations

from amber.trust.signals.build import Signal, after, one_of, signal
from amber.trust.signals.vocabulary import EARLIER

_OVERRIDE_WORDS = ("ignore", "disregard", "forget", "override", "bypass", "discard", "nevermind")
_OVERRIDE_WORDS += ("never mind", "stop following", "set aside", "scratch", "do not follow")
_OVERRIDE_WORDS += ("don't follow", "no longer follow", "stop obeying")
_ENGLISH_NOT = ("not ", "n't ", "never ")
_OVERRIDE_VERB = one_of(*_OVERRIDE_WORDS, negations=_ENGLISH_NOT)
# "(drop) whatever instructions came before this message"
_WHATEVER_CAME = (
    r"\s+(?:whatever|any|all|the)\s+(?:instructions?|directives?|rules|orders)\s+(?:came|come|"
    r"that came|you (?:got|received|were given))\b"
)
_USER = r"(?:user|human|person|customer)"

# Other languages: the verbs that cancel ("ignore", "forget"; not after a negation: "n'oublie
# pas", "no olvides", "не забудь", nor before one: "vergiss nicht"), the words that point back
# ("previous", "your", "all") and the nouns for instructions or rules.
_X_VERB = one_of(
    *("ignor", "oubli", "ne tiens pas compte", "ne tenez pas compte", "fais abstraction"),
    *("faites abstraction", "ne suis plus", "ne suivez plus"),  # fr
    *("vergiss", "vergessen sie", "missacht", "befolge nicht"),  # de
    *("olvid", "olvíd", "haz caso omiso", "descart", "no sigas", "deja de seguir"),  # es
    *("esqueç", "esquec", "desconsider", "não siga", "pare de seguir"),  # pt
    *("dimentic", "non tenere conto", "non seguire più", "smetti di seguire"),  # it
    *("negeer", "vergeet", "volg niet", "zignoruj", "zapomnij"),  # nl, pl
    *("игнорируй", "забудь", "не обращай внимания", "не обращайте внимания", "не следуй"),  # ru
    negations=("n'", "ne ", "no ", "não ", "non ", "nie ", "не "),
)
_X_VERB += r"\w*(?!\s+(?:nicht|niet|pas)\b)"
_X_BACK = (
    r"(?:précédent\w*|antérieur\w*|ci-dessus|tes|vos|toutes|tous|initial\w*|reçu\w*|"  # fr
    r"vorherig\w*|bisherig\w*|obig\w*|früher\w*|alle\w*|dein\w*|ursprünglich\w*|"  # de
    r"sämtlich\w*|erhalten\w*|bisher|"  # de
    r"anterior\w*|previ\w*|tus|todas|todos|original\w*|recibid\w*|hasta ahora|"  # es, pt
    r"suas|seus|acima|recebid\w*|até agora|"  # pt
    r"precedent\w*|tue|tuoi|tutte|tutti|ricevut\w*|finora|iniziali|"  # it
    r"vorige|eerdere|je|jouw|ontvangen|"  # nl
    r"poprzedni\w*|wszystki\w*|swoi\w*|twoi\w*|otrzyman\w*|"  # pl
    r"предыдущ\w*|все|свои|твои|прежн\w*|полученн\w*)"  # ru
)
_X_GIVEN = r"(?:que te dieron|qu'on t'a donnée?s?|che ti hanno dato|que te deram|die dir gegeben)"
_X_RULES = (
    r"(?:instructions|consignes|directives|règles|"  # fr
    r"anweisungen|instruktionen|regeln|befehle|vorgaben|"  # de
    r"instrucciones|indicaciones|reglas|directrices|"  # es
    r"instruções|orientações|regras|diretrizes|"  # pt
    r"istruzioni|indicazioni|regole|direttive|"  # it
    r"instructies|regels|"  # nl
    r"instrukcj\w*|polece\w*|zasad\w*|"  # pl
    r"инструкци\w*|указани\w*|правил\w*)"  # ru
)
# "Everything you were told", and the user, in the same languages.
_X_EVERYTHING = (
    r"(?:tout ce qu'on (?:vous a|t'a) dit|(?:alles,? )?was (?:man )?dir (?:\w+ )?gesagt "
    r"(?:wurde|hat)|"
    r"todo lo que (?:te|le) (?:dijeron|han dicho)|tudo o que (?:te|lhe) disseram|"
    r"tutto (?:quello|ciò) che ti (?:è stato detto|hanno detto))"
)
_X_USER = (
    r"(?:utilisateur\w*|nutzer\w*|benutzer\w*|usuari[oa]s?|usuári[oa]s?|utente|gebruiker|"
    r"użytkownik\w*|пользовател\w*)"
)

# Needles: a match of the signal holds one word of each group (see build.py).
_N_OVERRIDE = (
    "ignor;disregard;forget;overrid;bypass;discard;never;drop;stop following;set aside;scratch;"
    "not follow;n't follow;stop obeying"
)
_N_RULES = (
    "instruction;prompt;directive;rule;guideline;direction;command;context;conversation;order;"
    "guidance;configuration;setup;task;programming"
)
_N_X_VERB = (
    "ignor;oubli;ne tiens;ne tenez;abstraction;ne suis;ne suivez;vergiss;vergessen;missacht;"
    "befolge nicht;olvid;olvíd;caso omiso;descart;no sigas;deja de seguir;esqueç;esquec;"
    "desconsider;não siga;pare de seguir;dimentic;tenere conto;non seguire;smetti di seguire;"
    "negeer;vergeet;volg niet;zignoruj;zapomnij;игнорир;забудь;не обращ;не следуй;忽略;无视;忽视;"
    "忘记;忘掉;不要理会;無視;忘れ"
)
_N_X_RULES = (
    "instruc;instruk;consigne;directive;règle;anweisung;regel;befehl;vorgabe;indicac;regla;"
    "directri;instruç;orientaç;regra;diretri;istruz;indicaz;regol;dirett;instrukc;polece;zasad;"
    "инструкц;указани;правил;指令;指示;说明;规则;提示;命令;ルール;プロンプト;設定"
)
_N_X_EVERYTHING = "tout ce qu;gesagt;todo lo que;tudo o que;tutto quello;tutto ciò"
_N_X_USER = "utilisateur;nutzer;usuari;usuári;utente;gebruiker;użytkownik;пользовател"
_N_REVOKED = (
    "outdated;no longer valid;revoked;void;invalid;cancel;superseded;lifted;null;suspended;"
    "obsolete;ungültig;nichtig;aufgehoben;annulées;caduques;nulas;inválidas;anuladas;revocadas;"
    "revogadas;nulle;annullate;ongeldig;nieważne;недействительн;отменен"
)

OVERRIDES: tuple[Signal, ...] = (
    # "Ignore all previous instructions", "disregard the above directions", "forget your rules",
    # "ignore the user's request": the verb once, then what may follow it.
    signal(
        "override",
        2,
        (_N_OVERRIDE, _N_RULES + ";everything;all;user;human;person;customer"),
        after(
            _OVERRIDE_VERB,
            rf"\b(?:\s+\S+){{0,3}}?\s+(?:{EARLIER}|all|any|your)\b(?:\s+\S+){{0,2}}?"
            r"\s+(?:instructions?|prompts?|directives?|guidance|system (?:prompt|message)s?)\b",
            rf"\b(?:\s+\S+){{0,2}}?\s+(?:{EARLIER}|your)\s+(?:\S+\s+)?"
            r"(?:rules|guidelines|directions|commands|context|conversation|configuration|setup|"
            r"task|programming)\b",
            r"\s+(?:the\s+|your\s+)?system\s+(?:prompt|message|instructions)\b",
            # "ignore the instructions above", "disregard any prompts you were given"
            r"\s+(?:the|these|those|any|all)\s+(?:\S+\s+)?(?:instructions?|prompts?|directives?|"
            r"guidance|rules|guidelines)\s+(?:above|before|so far|given|you (?:were|have been) "
            r"(?:given|configured with)|you (?:received|got|follow|operate under|are bound by))\b",
            _WHATEVER_CAME,
            r"\s+(?:everything|all)\s+(?:you (?:were|have been) told|(?:you know )?(?:above|"
            rf"before|so far|previously)|(?:that\s+)?(?:the\s+)?{_USER}\s+(?:asked|said|wants|"
            r"wrote))\b",
            rf"\s+(?:the|your)\s+{_USER}(?:'s|s')\s+(?:\w+\s+)?(?:request|question|"
            r"instructions?|message|prompt|query|task|wishes)\b",
            rf"\s+what(?:ever)?\s+the\s+{_USER}\s+(?:asked|said|wants|wrote|requested)",
        ),
        # "drop whatever instructions came before this message"
        rf"{one_of('drop')}{_WHATEVER_CAME}",
        rf"{one_of('ignore', 'disregard', 'nevermind', 'never mind', negations=_ENGLISH_NOT)}"
        rf"\s+(?:the|your)\s+{_USER}\b",
    ),
    # "Your instructions have been updated", "the rules you were given no longer apply".
    signal(
        "override",
        2,
        (
            "your;you were given",
            "instructions;rules;guidelines;directives;system prompt;programming",
        ),
        r"\byour\s+(?:\w+\s+)?(?:instructions|rules|guidelines|directives|system prompt|"
        r"programming)\s+(?:have|has)\s+(?:now\s+)?(?:been\s+)?(?:updated|changed|revoked|"
        r"replaced|overridden|cancell?ed|lifted|suspended|disabled|withdrawn)\b",
        r"\b(?:instructions|rules|guidelines)\s+you\s+(?:were|have been)\s+given\s+"
        r"(?:by (?:the|your) \w+\s+)?(?:no longer apply|(?:are|is)\s+(?:now\s+)?(?:void|revoked|"
        r"cancell?ed|invalid|obsolete|outdated))\b",
    ),
    signal(
        "override",
        2,
        ("changed your;updated your;replaced your;overridden your;rewritten your",),
        r"\b(?:has|have)\s+(?:now\s+)?(?:changed|updated|replaced|overridden|rewritten)\s+your\s+"
        r"(?:task|instructions|rules|goal|objective|prompt|orders|programming)\b",
    ),
    # The same in other languages: "ignorez toutes les instructions précédentes", "vergiss
    # deine Anweisungen", "ignora lo que te pidió el usuario".
    signal(
        "override",
        2,
        (_N_X_VERB, ";".join((_N_X_RULES, _N_X_EVERYTHING, _N_X_USER))),
        after(
            rf"{_X_VERB}\b",
            rf"[^.!?\n]{{0,30}}?\b{_X_BACK}\b[^.!?\n]{{0,20}}?\b{_X_RULES}",
            rf"[^.!?\n]{{0,30}}?\b{_X_RULES}\s*(?:{_X_BACK}|{_X_GIVEN})",
            rf"[^.!?\n]{{0,10}}?{_X_EVERYTHING}",
            rf"[^.!?\n]{{0,30}}?\b{_X_USER}",
        ),
    ),
    # "忽略之前的所有指令", "これまでの指示を無視".
    signal(
        "override",
        2,
        ("忽略;无视;忽视;忘记;忘掉;不要理会;無視;忘れ",),
        r"(?:忽略|无视|忽视|忘记|忘掉|不要理会)[^。！？\n]{0,10}?(?:之前|以上|前面|所有|你的|先前|上述)"
        r"[^。！？\n]{0,8}?(?:指令|指示|说明|规则|提示|命令)",
        r"(?:これまで|以前|前|上記|最初|すべて|全て)の?(?:指示|命令|ルール|プロンプト|設定)"
        r"[をはも]?(?:すべて|全て)?(?:無視|忘れ)",
    ),
)

REVOKED: tuple[Signal, ...] = (
    # "Previous guidelines are revoked", "alle früheren Anweisungen sind ungültig".
    signal(
        "revoked rules",
        1,
        (_N_REVOKED,),
        rf"\b(?:{EARLIER}|all|any|your)\s+(?:\w+\s+)?(?:instructions|rules|guidelines|directives|"
        r"restrictions|policies|configuration|setup|settings)\s+(?:you (?:follow|were given)\s+"
        r"(?:by (?:the|your) \w+\s+)?)?(?:are|were|have been|is)\s+(?:now\s+)?(?:revoked|void|"
        r"invalid|cancell?ed|superseded|lifted|null|suspended|obsolete|outdated|no longer valid)\b",
        rf"\b{_X_RULES}\s+(?:\S+\s+){{0,2}}?(?:sind|sont|son|são|sono|zijn|są)\s+(?:\S+\s+)?"
        r"(?:ungültig|nichtig|aufgehoben|annulées|caduques|nulas|inválidas|anuladas|revocadas|"
        r"revogadas|nulle|annullate|ongeldig|nieważne)",
        r"\b(?:инструкции|правила)\s+(?:\S+\s+)?(?:недействительны|отменены)",
    ),
)
