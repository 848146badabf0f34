// The account console's only script: the city search of the address form.
// Everything works without it; with it, typing in the city field offers the
// catalogue's cities of the chosen country, and picking one fills cityid too.
"use strict";

(function () {
  const country = document.getElementById("countrycode");
  const cityname = document.getElementById("cityname");
  const cityid = document.getElementById("cityid");
  const matches = document.getElementById("city-matches");
  const status = document.getElementById("city-search-status");
  if (!country || !cityname || !cityid || !matches || !status) {
    return; // not the addresses page
  }
  let latest = ""; // the last search asked: an older answer arriving late is dropped

  function pick(city) {
    const value = String(city.cityid);
    if (cityid instanceof HTMLSelectElement && !cityid.querySelector("option[value='" + value + "']")) {
      cityid.add(new Option(city.cityname + " (" + value + ")", value)); // the Find a city list
    }
    cityname.value = city.cityname;
    cityid.value = value;
    matches.replaceChildren();
    status.textContent = city.cityname + " (" + city.cityid + ") chosen.";
    cityname.focus();
  }

  function offer(cities) {
    matches.replaceChildren(...cities.map(function (city) {
      const button = document.createElement("button");
      button.type = "button";
      button.className = "secondary";
      button.textContent = city.cityname;
      button.addEventListener("click", function () { pick(city); });
      const item = document.createElement("li");
      item.append(button);
      return item;
    }));
    const count = cities.length === 1 ? "1 city" : cities.length + " cities";
    status.textContent = cities.length ? count + " found: pick one below." : "No city found.";
  }

  cityname.addEventListener("input", function () {
    const prefix = cityname.value.trim();
    matches.replaceChildren();
    if (!country.value || prefix.length < 2) {
      latest = "";
      status.textContent = country.value ? "" : "Choose the country first.";
      return;
    }
    const query = new URLSearchParams({ countrycode: country.value, prefix: prefix }).toString();
    latest = query;
    fetch(matches.dataset.source + "?" + query, { headers: { Accept: "application/json" } })
      .then(function (answer) {
        if (!answer.ok) {
          throw new Error(answer.statusText);
        }
        return answer.json();
      })
      .then(function (cities) {
        if (query === latest) {
          offer(cities);
        }
      })
      .catch(function () {
        if (query === latest) {
          status.textContent = "The city search failed: use the Find a city form.";
        }
      });
  });
})();
