from app_pages.flow import run

run("self_audit")
