"""A hand-made dataset with evidence documents (issue 28), written as CSV files.

Documents (documents.csv):
- ``web``: a public web page cited by id (``web: "..."``), with a URL and a day date;
- ``minutes``: a report kept as the file ``minutes-2024.pdf`` in ``documents/``; rows cite
  it by that file name, as sources did before the documents table (``minutes-2024.pdf: "..."``);
  no ``public`` written and a file: private;
- ``mou``: a signed memorandum (file ``mou-a1.pdf``) attached to agreement ``a1``, written
  ``public`` yes;
- ``letter``: an invitation letter attached to the students row in file row 2, no file.

Rows: agreement a1 cites ``web``; a2 cites ``minutes-2024.pdf``; visit v1 cites ``web``;
visit v2 cites ``Annual plan: "..."`` (no such document: the one ``unknown_document``
warning); visit v3 has no source; the students row (file row 2) cites nothing but has the
letter attached. So: web proves a1, v1; minutes proves a2; mou proves a1; letter proves
students:2.
"""

from __future__ import annotations

from pathlib import Path

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

FILES = {
    "institutions.csv": "institution_id,name,short_name,city,country\n"
                        "sam,Samarkand State Medical University,SamSMU,Samarkand,UZB\n",
    "partners.csv": "partner_id,name,type,country,city\n"
                    "p1,Seoul Clinic,hospital,KOR,Seoul\n"
                    "p2,Kazan University,university,RUS,Kazan\n",
    "agreements.csv": "agreement_id,institution_id,partner_id,kind,signed_on,source\n"
                      'a1,sam,p1,mou,2023-05-02,"web: ""signed a memorandum with Seoul Clinic"""\n'
                      'a2,sam,p2,cooperation_agreement,2022,"minutes-2024.pdf: ""agreement with Kazan"""\n',
    "visits.csv": "visit_id,institution_id,partner_id,direction,activity,start_date,source\n"
                  'v1,sam,p1,incoming,lectures,2024-03-01,"web: ""lectures by Seoul Clinic"""\n'
                  'v2,sam,p2,outgoing,training,2024-04-01,"Annual plan: ""training in Kazan"""\n'
                  "v3,sam,p2,incoming,lectures,2024-05-01,\n",
    "students.csv": "institution_id,academic_year,country,count\n"
                    "sam,2024/2025,KOR,12\n",
    "documents.csv": "doc_id,title,kind,author,published_on,url,file,language,public,attached_to\n"
                     "web,International Cooperation Relations,web_page,Samarkand State Medical University,"
                     "2024-02-07,https://example.org/intl,,en,,\n"
                     "minutes,Minutes of the international council,report,International office,2024-06,,"
                     "minutes-2024.pdf,ru,,\n"
                     "mou,Memorandum with Seoul Clinic,agreement,,2023-05-02,,mou-a1.pdf,en,yes,agreements:a1\n"
                     "letter,Invitation letter for Korean students,letter,Seoul Clinic,2024,,,ko,,students:2\n",
}


def write(folder: Path) -> Path:
    """The dataset in ``folder`` (created), with its two files in ``documents/``."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in FILES.items():
        (folder / name).write_text(text, encoding="utf-8")
    (folder / "documents").mkdir(exist_ok=True)
    (folder / "documents" / "minutes-2024.pdf").write_bytes(PDF)
    (folder / "documents" / "mou-a1.pdf").write_bytes(PDF)
    return folder
