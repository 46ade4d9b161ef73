#!/usr/bin/env python3
"""Drives Debian's chromium (headless, through chromedriver and selenium) over a guardian's dashboard for
DashboardBrowserTests. Each command prints one JSON object on stdout; the Swift test checks it.

  browse.py pages BASE PASSWORD OUTDIR          log in, visit every page: HTML, figures, screenshots, cookies
  browse.py wrong BASE PASSWORD                 try a wrong password
  browse.py peer-down BASE PASSWORD PID PEER OUTDIR
                                                on the open overview, kill PID and time until PEER shows down
  browse.py links BASE PASSWORD STATUS_COMMAND...
                                                on the open overview, read every peer's link figures, run the
                                                status command, read them again (up to 8 times, until both reads
                                                show the same figures and equal the status's)
"""
import json
import os
import signal
import subprocess
import sys
import time

from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

PAGES = {"overview": "/", "audit": "/audit", "ecash": "/ecash", "bitcoin": "/bitcoin", "lightning": "/lightning",
         "logs": "/logs"}


def browser(width=1100, height=900):
    options = Options()
    options.binary_location = os.environ.get("FM_CHROMIUM", "/usr/bin/chromium")
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--hide-scrollbars", f"--window-size={width},{height}"):
        options.add_argument(argument)
    service = Service(executable_path=os.environ.get("FM_CHROMEDRIVER", "/usr/bin/chromedriver"))
    return webdriver.Chrome(service=service, options=options)


def login(driver, base, password):
    driver.get(base + "/login")
    driver.find_element(By.ID, "password").send_keys(password)
    driver.find_element(By.CSS_SELECTOR, "#login button[type=submit]").click()
    # Wait for the answer to the POST (the session cookie, or the error): a navigation started before it arrives
    # cancels the submission, and the next page is the login again.
    WebDriverWait(driver, 15).until(
        lambda d: not d.current_url.endswith("/login") or d.find_elements(By.ID, "login-error"))


def figures(driver):
    # In one script: live updates replace <main> every second, so elements found earlier may be gone.
    return driver.execute_script(
        "var o = {}; document.querySelectorAll('[data-value][id]')"
        ".forEach(function (e) { o[e.id] = e.getAttribute('data-value'); }); return o;")


def full_screenshot(driver, path):
    height = driver.execute_script("return document.documentElement.scrollHeight")
    width = driver.get_window_size()["width"]
    driver.set_window_size(width, min(max(height + 120, 600), 2400))
    driver.save_screenshot(path)


def pages(base, password, out):
    driver = browser()
    try:
        login(driver, base, password)
        result = {"after_login": driver.current_url, "pages": {}}
        result["cookies"] = [{"name": c["name"], "http_only": c.get("httpOnly"), "same_site": c.get("sameSite")}
                             for c in driver.get_cookies()]
        for name, path in PAGES.items():
            driver.get(base + path)
            time.sleep(1.5)  # one live update (SSE) has replaced <main> by now
            html = driver.page_source
            with open(os.path.join(out, f"{name}.html"), "w") as f:
                f.write(html)
            full_screenshot(driver, os.path.join(out, f"{name}.png"))
            driver.set_window_size(1100, 900)
            result["pages"][name] = {"url": driver.current_url, "figures": figures(driver),
                                     "title": driver.title, "live": "Live: updated" in driver.find_element(By.ID, "connection").text}
        # Keyboard: the first Tab reaches the skip link, the next ones the page links.
        driver.get(base + "/")
        body = driver.find_element(By.TAG_NAME, "body")
        body.send_keys(Keys.TAB)
        first = driver.switch_to.active_element.text
        driver.switch_to.active_element.send_keys(Keys.TAB)
        second = driver.switch_to.active_element.get_attribute("href")
        result["keyboard"] = [first, second]
        # Phone width: nothing wider than the screen.
        driver.set_window_size(390, 844)
        driver.get(base + "/")
        time.sleep(0.5)
        result["phone_overflow"] = driver.execute_script(
            "return document.documentElement.scrollWidth - document.documentElement.clientWidth")
        full_screenshot(driver, os.path.join(out, "overview-phone.png"))
        # Logging out ends the session: the pages send back to the login.
        driver.set_window_size(1100, 900)
        driver.get(base + "/")
        driver.find_element(By.CSS_SELECTOR, "header form button").click()
        # Wait for the logout's answer (the redirect to /login) before navigating: a navigation started earlier
        # cancels the POST and the session lives on (seen once under load).
        WebDriverWait(driver, 15).until(lambda d: d.current_url.endswith("/login"))
        driver.get(base + "/audit")
        result["after_logout"] = driver.current_url
        return result
    finally:
        driver.quit()


def wrong(base, password):
    driver = browser()
    try:
        login(driver, base, password)
        error = driver.find_elements(By.ID, "login-error")
        result = {"url": driver.current_url, "error": error[0].text if error else None,
                  "cookies": [c["name"] for c in driver.get_cookies()]}
        driver.get(base + "/")
        result["then_root"] = driver.current_url
        return result
    finally:
        driver.quit()


def peer_down(base, password, pid, peer, out):
    driver = browser()
    try:
        login(driver, base, password)
        driver.get(base + "/")
        element_id = f"peer-{peer}-state"
        time.sleep(1.5)
        before = figures(driver).get(element_id)
        driver.execute_script("window.fmNotReloaded = true;")
        os.kill(pid, signal.SIGKILL)
        start = time.monotonic()
        after = before
        while time.monotonic() - start < 20:
            after = figures(driver).get(element_id)
            if after == "down":
                break
            time.sleep(0.2)
        seconds = time.monotonic() - start
        alert = driver.execute_script("var a = document.getElementById('alerts'); return a ? a.textContent : null;")
        result = {"before": before, "after": after, "seconds": seconds,
                  "not_reloaded": driver.execute_script("return window.fmNotReloaded === true;"), "alert": alert}
        full_screenshot(driver, os.path.join(out, "overview-peer-down.png"))
        return result
    finally:
        driver.quit()


def link_figures(driver):
    return {key: value for key, value in figures(driver).items()
            if key.startswith("peer-") and key.endswith(("-rtt", "-age", "-state"))}


def status_links(status):
    """The same figures as `fm-node status` reports them (missing = unknown = the page's empty value)."""
    out = {}
    for peer in status["peers"]:
        if "connected" not in peer:
            continue
        prefix = f"peer-{peer['peer_id']}"
        out[f"{prefix}-state"] = "up" if peer["connected"] else "down"
        out[f"{prefix}-rtt"] = str(peer.get("round_trip_micros", ""))
        out[f"{prefix}-age"] = str(peer.get("last_message_age_millis", ""))
    return out


def links(base, password, command):
    driver = browser()
    try:
        login(driver, base, password)
        driver.get(base + "/")
        time.sleep(1.5)
        attempts = []
        for _ in range(8):
            before = link_figures(driver)
            status = json.loads(subprocess.run(command, check=True, capture_output=True, text=True).stdout)
            after = link_figures(driver)
            attempts.append({"before": before, "status": status_links(status), "after": after})
            expected = status_links(status)
            if before == after and all(before.get(k) == v for k, v in expected.items() if not k.endswith("-age")):
                break
            time.sleep(0.7)
        return {"attempts": attempts}
    finally:
        driver.quit()


def main(argv):
    command = argv[1]
    if command == "pages":
        result = pages(argv[2], argv[3], argv[4])
    elif command == "wrong":
        result = wrong(argv[2], argv[3])
    elif command == "links":
        result = links(argv[2], argv[3], argv[4:])
    elif command == "peer-down":
        result = peer_down(argv[2], argv[3], int(argv[4]), argv[5], argv[6])
    else:
        raise SystemExit(f"unknown command {command}")
    print(json.dumps(result))


if __name__ == "__main__":
    main(sys.argv)
