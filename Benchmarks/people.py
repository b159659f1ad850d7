#!/usr/bin/env python3
"""Writes N person rows as CSV for the import benchmark (issue 12): realistic names, emails and phones in mixed
national and international formats, about 1% invalid (a broken email or phone) and 2% duplicates (an earlier row's
email or phone again, spelled differently). Seeded: the same N gives the same file.

    Benchmarks/people.py 1000000 > /tmp/people.csv
"""
import random
import sys

FIRST = ("Ann Bob Cy Dee Eve Finn Gus Hal Ida Jan Kai Lea Max Nia Otto Pia Quin Rosa Sam Tia Uma Vic Wyn Xia Yves Zoe "
         "Amelia Oliver Isla George Ava Noah Mia Arthur Freya Leo Lily Oscar Grace Harry Ella Jack Sophie Theo Chloe").split()
LAST = ("Archer Baker Cole Dunn Evans Fox Green Hill Irwin Jones King Lewis Moore Nash Owen Price Quinn Reed Smith Turner "
        "Upton Vance Walsh Young Zhang Patel Kowalski Novak Rossi Muller Dubois Silva Garcia Murphy O'Brien").split()
DOMAINS = "example.com example.org mail.example farm.example coop.example agri.example".split()


def phone(rng):
    national = "7" + "".join(rng.choice("0123456789") for _ in range(9))
    style = rng.randrange(4)
    if style == 0:
        return "0" + national[:4] + " " + national[4:]
    if style == 1:
        return "+44 " + national[:4] + " " + national[4:]
    if style == 2:
        return "0044" + national
    return "+44 (0)" + national[:4] + "-" + national[4:7] + "-" + national[7:]


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1000000
    rng = random.Random(n)
    out = sys.stdout
    out.write("firstName,lastName,email,phone,customerType,roles,tags\n")
    seen = []
    for i in range(n):
        first, last = rng.choice(FIRST), rng.choice(LAST)
        email = f"{first}.{last}.{i}@{rng.choice(DOMAINS)}".lower().replace("'", "")
        tel = phone(rng) if rng.random() < 0.7 else ""
        roll = rng.random()
        if roll < 0.005:
            email = email.replace("@", " at ")  # invalid email
        elif roll < 0.01:
            tel = "call me"  # invalid phone
        elif roll < 0.03 and seen:
            email = rng.choice(seen).upper()  # a duplicate, in another spelling
        if i % 50 == 0:
            seen.append(email)
        kind = rng.choice(["regular", "new", ""])
        if kind == "regular" and not tel:
            kind = "new"  # a regular customer needs a phone (seed 003)
        roles = "customer" if kind else ""
        tags = "Imported" if i % 10 == 0 else ""
        out.write(f"{first},\"{last}\",{email},{tel},{kind},{roles},{tags}\n")


main()
