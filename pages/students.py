from ui import start_page

ctx = start_page("students")
