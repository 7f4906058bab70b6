"""A hand-made dataset with agreement terms (one Greek partner, three terms, ten visits).

The use each term has, worked out by hand, is in tests/test_agreement_terms.py.
"""

from __future__ import annotations

from pathlib import Path

INSTITUTIONS = ("institution_id,name,short_name,city,country,hei_id\n"
                "sam,Samarkand State Medical University,SamSMU,Samarkand,UZB,sammi.uz\n")
PARTNERS = ("partner_id,name,type,country,city,website,hei_id,erasmus_code\n"
            "auth,Aristotle University of Thessaloniki,university,GRC,Thessaloniki,"
            "https://www.auth.gr,auth.gr,G  THESSAL01\n")
AGREEMENTS = ("agreement_id,institution_id,partner_id,kind,signed_on,expires_on,status,iia_id,"
              "stage,holder,next_action_on\n"
              "a1,sam,auth,academic_mobility,2023-06-01,2027-05-31,active,iia-42,in_effect,"
              "International office,2026-11-30\n")
TERMS = ("agreement_id,mobility_type,direction,first_year,last_year,mobilities_per_year,"
         "months_per_year,days_per_year,isced,eqf,languages,source\n"
         "a1,staff_teaching,incoming,2023/2024,2025/2026,2,,5,0912,,en:B2,\n"
         "a1,staff_teaching,outgoing,2023/2024,,1,,5,0912,,en:B2,\n"
         "a1,student_studies,outgoing,2024/2025,2025/2026,,5,,0912,6;7,en:B2,\n")
VISITS = ("visit_id,institution_id,partner_id,direction,mode,activity,participant,start_date\n"
          "v1,sam,auth,incoming,in_person,lectures,,2023-10-05\n"
          "v2,sam,auth,incoming,in_person,practical_classes,staff,2024-03-01\n"
          "v3,sam,auth,incoming,,masterclass,,2024-09-15\n"
          "v4,sam,auth,incoming,remote,lectures,,2024-11-01\n"
          "v5,sam,auth,outgoing,in_person,lectures,,2024-08-31\n"
          "v6,sam,auth,outgoing,in_person,lectures,,2024-09-01\n"
          "v7,sam,auth,outgoing,in_person,lectures,,2025-02-10\n"
          "v8,sam,auth,outgoing,in_person,study,student,2025-01-15\n"
          "v9,sam,auth,incoming,in_person,lectures,,2024\n"
          "v10,sam,auth,incoming,in_person,conference,,2024-10-01\n")


def write_terms_dataset(folder: Path, terms: str = TERMS, visits: str = VISITS) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in (("institutions", INSTITUTIONS), ("partners", PARTNERS),
                       ("agreements", AGREEMENTS), ("agreement_terms", terms),
                       ("visits", visits)):
        (folder / f"{name}.csv").write_text(text, encoding="utf-8")
    return folder
