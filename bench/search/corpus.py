#!/usr/bin/env python3
"""Loads N published works of real Italian text into an empty, migrated Piazza database.

The text is Debian's `fortunes-it` (apt-get install fortunes-it): each work is one to three
fortunes, its title the first words of the first; apostrophe accents as typed on old
keyboards (`perche'`, `citta'`) become the letters (`perché`, `città`). Kinds, licences,
calls, authors and publication times (2019-2026) are spread deterministically, so runs
compare. Usage: corpus.py DATABASE_URL [N]   (PostgreSQL; rows go in with COPY).
"""
import glob, io, random, re, subprocess, sys

URL = sys.argv[1]
N = int(sys.argv[2]) if len(sys.argv) > 2 else 100_000
random.seed(14)

def fortunes():
    out = []
    for path in sorted(glob.glob("/usr/share/games/fortunes/it/*")):
        if path.endswith((".dat", ".u8")) or "." in path.rsplit("/", 1)[-1]:
            continue
        raw = open(path, "rb").read()
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            text = raw.decode("latin-1")
        out += [f.strip() for f in text.split("\n%\n") if f.strip()]
    return out

ACCENT = {"a": "à", "e": "è", "i": "ì", "o": "ò", "u": "ù", "A": "À", "E": "È", "I": "Ì", "O": "Ò", "U": "Ù"}

def accents(text):
    # perche' poiche' benche' affinche' ne' se' take the acute accent; other vowels the grave.
    text = re.sub(r"\b(perch|poich|bench|affinch|finch|purch|sicch|granch)e'", r"\1é", text, flags=re.I)
    text = re.sub(r"(\w)([aeiouAEIOU])'(?=[\s.,;:!?)\"]|$)", lambda m: m.group(1) + ACCENT[m.group(2)], text)
    # The verb alone: e' → è, E' → È.
    return re.sub(r"(?<!\w)([eE])'(?=[\s.,;:!?)\"]|$)", lambda m: ACCENT[m.group(1)], text)

texts = [accents(f) for f in fortunes()]
assert texts, "no fortunes: apt-get install fortunes-it"
def esc(value):
    return str(value).replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")

def copy(table, columns, rows):
    data = io.StringIO()
    for row in rows:
        data.write("\t".join("\\N" if v is None else esc(v) for v in row) + "\n")
    subprocess.run(["psql", URL, "-q", "-c", f"copy {table} ({', '.join(columns)}) from stdin"], input=data.getvalue().encode(), check=True)

NOW = 1_790_000_000_000
users = [(f"{i:032x}", f"autore{i}@example.org", random.choice(["Anna", "Luca", "Giulia", "Marco", "Chiara", "Paolo"]) + f" {random.choice(['Rossi', 'Bianchi', 'Esposito', 'Romano', 'Colombo'])}", "citizen", "!", NOW, NOW) for i in range(1, 501)]
copy("app_user", ["id", "email", "name", "role", "password_hash", "created_at", "updated_at"], users)
themes = ["il fiume", "la piazza", "il mercato", "le campane", "il porto", "la stazione", "il quartiere", "la scuola", "il giardino", "la notte",
          "il lavoro", "la festa", "il mare", "la montagna", "la strada", "il ponte", "la pioggia", "il vento", "la memoria", "il futuro"]
calls = [(f"c{i:031x}", f"chiamata-{i}", f"Racconta {t}", "Una chiamata della città.", f"Che cosa ti dice {t}?", "poem,story", NOW - 10**10, NOW + 10**10, "open", NOW, NOW) for i, t in enumerate(themes, 1)]
copy("civic_call", ["id", "slug", "title", "description", "question", "kinds", "opens_at", "closes_at", "state", "created_at", "updated_at"], calls)
licences = ["cc-by-4.0", "cc-by-sa-4.0", "cc0-1.0", "all-rights-reserved"]
start, end = 1_546_300_800_000, 1_780_000_000_000  # 2019 to mid-2026
def works():
    for i in range(N):
        body = "\n\n".join(random.sample(texts, random.choice([1, 1, 2, 3])))
        title = " ".join(body.split()[:random.randint(2, 6)]).strip(".,;:!?\"'")[:120] or "Senza titolo"
        at = random.randint(start, end)
        yield (f"{random.getrandbits(128):032x}", random.choice(calls)[0], random.choice(users)[0], random.choice(["poem", "story"]), title, "", "",
               random.choice(licences), "published", body, at, at, at)
copy("work", ["id", "call_id", "author_id", "kind", "title", "description", "alt_text", "licence", "status", "body_text", "published_at", "created_at", "updated_at"], works())
print(f"loaded {N} published works from {len(texts)} fortunes")
