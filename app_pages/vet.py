from app_pages.flow import run

run("vetting")
