/* Footprint's map behaviour, served from this machine (no third party):
 *  - the offline basemap (land, water, states, rivers) under the story layers, fetched once
 *    from this server, and its labels, shown by priority and zoom without overlapping each
 *    other or a story marker;
 *  - the mouse wheel scrolls the page until the map is clicked or focused;
 *  - a "Reset view" control, a hint when the buffers are too small to see, a distance label
 *    kept inside the map, the legend folded on small screens;
 *  - the map's layer switcher kept in step with the app's sidebar (through streamlit-folium).
 * Every text drawn here is set with textContent: nothing is parsed as HTML.
 */
(function () {
  "use strict";
  var FP = window.FP = window.FP || {};

  var STYLE = {
    world_land: {color: "#d4d0c8", weight: 0.5, fillColor: "#efece6", fillOpacity: 1},
    countries: {color: "#b6b1a7", weight: 0.7, fillColor: "#efece6", fillOpacity: 1},
    venezuela: {color: "#6d6a63", weight: 1.4, fillColor: "#fcfbf8", fillOpacity: 1},
    lakes: {color: "#9dbdd3", weight: 0.6, fillColor: "#cfe1ec", fillOpacity: 1},
    states: {color: "#a8a398", weight: 0.6, dashArray: "3 3", fill: false, opacity: 0.8},
    rivers: {color: "#7ea9c8", opacity: 0.95, fill: false}
  };
  var PANES = [["fpLand", 205], ["fpWater", 210], ["fpBorders", 215], ["fpLabels", 390]];
  var SEA = "#d4e4ee";

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  // ------------------------------------------------------------------ basemap
  function drawBasemap(map, data, options) {
    var layers = data.layers || {};
    function add(name, pane, style) {
      var collection = layers[name];
      if (!collection) { return; }
      L.geoJSON(collection, {pane: pane, interactive: false, style: style}).addTo(map);
    }
    add("world_land", "fpLand", function () { return STYLE.world_land; });
    add("countries", "fpLand", function (f) {
      return f.properties.iso_a3 === "VEN" ? STYLE.venezuela : STYLE.countries;
    });
    add("lakes", "fpWater", function () { return STYLE.lakes; });
    add("rivers", "fpWater", function (f) {
      var rank = f.properties.rank || 2;
      return L.extend({weight: rank === 1 ? 2.4 : 1.3}, STYLE.rivers);
    });
    add("states", "fpBorders", function () { return STYLE.states; });
    FP.labels = new Labels(map, data.labels || [], options);
  }

  // ------------------------------------------------------------------ labels
  function Labels(map, items, options) {
    this.map = map;
    this.pane = map.getPane("fpLabels");
    this.items = items.map(function (item) {
      var node = el("div", "fp-label fp-label-" + item.kind);
      if (item.kind === "place") {
        node.appendChild(el("span", item.capital ? "fp-dot fp-capital" : "fp-dot"));
      }
      node.appendChild(el("span", "fp-label-text", item.text));
      node.setAttribute("data-fp-label", item.text);
      node.style.visibility = "hidden";
      this.pane.appendChild(node);
      return {item: item, node: node, latlng: L.latLng(item.lat, item.lon)};
    }, this);
    this.measure();
    var self = this, timer = null;
    function later() { clearTimeout(timer); timer = setTimeout(function () { self.update(); }, 60); }
    map.on("zoomend moveend resize layeradd layerremove", later);
    map.on("zoomstart", function () { self.pane.style.opacity = 0; });
    this.update();
  }

  Labels.prototype.measure = function () {
    this.items.forEach(function (entry) {
      var text = entry.node.querySelector(".fp-label-text");
      entry.w = text.offsetWidth || entry.item.text.length * 7;
      entry.h = text.offsetHeight || 14;
      if (entry.item.short) {  // the shorter name, tried where the full one does not fit
        text.textContent = entry.item.short;
        entry.ws = text.offsetWidth || entry.item.short.length * 7;
        text.textContent = entry.item.text;
      }
    });
  };

  function overlaps(a, list) {
    for (var i = 0; i < list.length; i++) {
      var b = list[i];
      if (a.x1 < b.x2 && a.x2 > b.x1 && a.y1 < b.y2 && a.y2 > b.y1) { return true; }
    }
    return false;
  }

  // Story markers (and the places near them) come from the app's layers.
  Labels.prototype.obstacles = function () {
    var map = this.map, boxes = [], points = [];
    map.eachLayer(function (layer) {
      var p = layer.feature && layer.feature.properties;
      if (!p || !p.fp_id || !layer.getLatLng) { return; }
      var c = map.latLngToContainerPoint(layer.getLatLng());
      var r = (layer.options && layer.options.radius || 6) + 2;
      boxes.push({x1: c.x - r, y1: c.y - r, x2: c.x + r, y2: c.y + r});
      points.push(layer.getLatLng());
    });
    // The map's own controls (zoom, reset, layers, legend, scale) hide what is under them.
    var frame = map.getContainer().getBoundingClientRect();
    map.getContainer().querySelectorAll(".leaflet-control").forEach(function (control) {
      var r = control.getBoundingClientRect();
      if (!r.width || !r.height) { return; }
      boxes.push({x1: r.left - frame.left - 2, y1: r.top - frame.top - 2,
                  x2: r.right - frame.left + 2, y2: r.bottom - frame.top + 2});
    });
    return {boxes: boxes, points: points};
  };

  Labels.prototype.update = function () {
    var map = this.map, zoom = map.getZoom(), size = map.getSize();
    var found = this.obstacles(), placed = found.boxes.slice();
    // The place nearest to each story marker (within 30 km) goes first, whatever its size:
    // the towns the story happens in.
    var places = this.items.filter(function (e) { return e.item.kind === "place"; });
    found.points.forEach(function (point) {
      var best = null, bestD = 30000;
      places.forEach(function (e) {
        var d = e.latlng.distanceTo(point);
        if (d < bestD) { best = e; bestD = d; }
      });
      if (best) { best.story = true; }
    });
    var ordered = this.items.slice().sort(function (a, b) {
      var pa = a.story ? Math.min(a.item.priority, 1.5) : a.item.priority;
      var pb = b.story ? Math.min(b.item.priority, 1.5) : b.item.priority;
      return pa - pb;
    });
    var shown = 0;
    ordered.forEach(function (entry) {
      var item = entry.item, node = entry.node;
      var story = entry.story, minZoom = story ? 0 : item.minZoom;
      entry.story = false;
      if (zoom < minZoom) { node.style.visibility = "hidden"; return; }
      var c = map.latLngToContainerPoint(entry.latlng);
      if (c.x < -50 || c.y < -50 || c.x > size.x + 50 || c.y > size.y + 50) {
        node.style.visibility = "hidden"; return;
      }
      // Tried in turn: the name beside the dot, the short name beside it, and for the story's
      // towns (whose dot is under a crowd of markers) both a little farther out.
      var near = [6, 15], far = [24, 34], attempts = [[entry.w, near, false]];
      if (entry.ws) { attempts.push([entry.ws, near, true]); }
      if (story) {
        attempts.push([entry.w, far, false]);
        if (entry.ws) { attempts.push([entry.ws, far, true]); }
      }
      var box = null, offset = null, chosen = false;
      // A place's dot is drawn with its name: it must not sit under a name already shown.
      var dot = item.kind === "place" ? {x1: c.x - 3, y1: c.y - 3, x2: c.x + 3, y2: c.y + 3}
                                      : null;
      if (dot && overlaps(dot, placed.slice(found.boxes.length))) { attempts = []; }
      for (var k = 0; k < attempts.length && !box; k++) {
        var w = attempts[k][0], h = entry.h, candidates;
        if (item.kind === "place") {  // right, left, above, below the dot; then the corners
          candidates = [];
          attempts[k][1].forEach(function (d) {
            candidates.push([d, -h / 2], [-d - w, -h / 2], [-w / 2, -h - d + 2], [-w / 2, d - 2]);
            if (d === 6) { candidates.push([5, -h - 2], [5, 2], [-5 - w, -h - 2], [-5 - w, 2]); }
          });
        } else if (k === 0) {
          candidates = [[-w / 2, -h / 2]];
        } else {
          candidates = [];
        }
        var extent = item.angle ? Math.max(w, h) : 0;
        for (var i = 0; i < candidates.length && !box; i++) {
          var dx = candidates[i][0], dy = candidates[i][1];
          var b = item.angle ?
            {x1: c.x - extent / 2, y1: c.y - extent / 2, x2: c.x + extent / 2,
             y2: c.y + extent / 2} :
            {x1: c.x + dx - 2, y1: c.y + dy - 1, x2: c.x + dx + w + 2, y2: c.y + dy + h + 1};
          // inside the map (a label cut by the edge is not shown), clear of the others
          var inside = b.x1 >= 0 && b.y1 >= 0 && b.x2 <= size.x && b.y2 <= size.y;
          if (inside && !overlaps(b, placed)) {
            box = b; offset = [dx, dy]; chosen = attempts[k][2];
          }
        }
      }
      if (!box) { node.style.visibility = "hidden"; return; }
      placed.push(box);
      if (dot) { placed.push(dot); }
      var at = map.latLngToLayerPoint(entry.latlng);
      L.DomUtil.setPosition(node, at);
      var text = node.querySelector(".fp-label-text");
      text.textContent = chosen ? item.short : item.text;
      text.style.transform = "translate(" + offset[0] + "px," + offset[1] + "px)" +
        (item.angle ? " rotate(" + (-item.angle) + "deg)" : "");
      node.style.visibility = "visible";
      shown += 1;
    });
    this.pane.style.opacity = 1;
    this.shown = shown;
    map.getContainer().setAttribute("data-fp-labels", String(shown));
  };

  // ------------------------------------------------------------------ controls
  // What the map writes for people, in English; the app passes them in the reader's
  // language (options.words, from mapview.build.control_words), {km} and {name} filled here.
  var DEFAULT_WORDS = {
    wheel: "Click the map to zoom with the mouse wheel",
    reset: "Reset view",
    smallBuffers: "The {km} km buffers are only a few pixels wide at this zoom: zoom in to see them",
    offlineFailed: "The offline basemap could not be loaded from this server " +
      "(run: python -m mapview.assets)",
    webFailed: "The web basemap could not be loaded (no network, or its server refused)." +
      " Showing the offline basemap instead; choose \u201cOffline (no network)\u201d" +
      " under Basemap in the sidebar to keep it.",
    marker: "{name}: press Enter to select it and read its sources",
    label: "Map of the story's places; a text description follows it on the page",
    decimal: "."
  };
  var WORDS = DEFAULT_WORDS;

  function word(key, fill) {
    var text = String(WORDS[key] || DEFAULT_WORDS[key]);
    Object.keys(fill || {}).forEach(function (name) {
      text = text.split("{" + name + "}").join(String(fill[name]));
    });
    return text;
  }

  function hint(map) {
    var box = el("div", "fp-hint");
    box.setAttribute("role", "status");
    map.getContainer().appendChild(box);
    var timer = null;
    var say = function (text, ms) {
      box.textContent = text || "";
      box.style.display = text ? "block" : "none";
      clearTimeout(timer);
      if (text && ms) { timer = setTimeout(function () { box.style.display = "none"; }, ms); }
    };
    say.box = box;
    return say;
  }

  function wheelUntilFocused(map, say) {
    var container = map.getContainer();
    map.scrollWheelZoom.disable();
    container.setAttribute("tabindex", container.getAttribute("tabindex") || "0");
    function on() { map.scrollWheelZoom.enable(); container.classList.add("fp-active"); say(""); }
    function off() { map.scrollWheelZoom.disable(); container.classList.remove("fp-active"); }
    map.on("click", on);
    container.addEventListener("focus", on);
    container.addEventListener("blur", off);
    container.addEventListener("mouseleave", off);
    container.addEventListener("wheel", function () {
      if (!map.scrollWheelZoom.enabled()) {
        say(word("wheel"), 1600);
      }
    }, {passive: true});
  }

  function resetControl(map, bounds) {
    var Control = L.Control.extend({
      options: {position: "topleft"},
      onAdd: function () {
        var bar = el("div", "leaflet-bar fp-reset");
        var button = el("a", "", "\u27f2");
        button.href = "#";
        button.title = word("reset");
        button.setAttribute("role", "button");
        button.setAttribute("aria-label", word("reset"));
        L.DomEvent.on(button, "click", function (e) {
          L.DomEvent.preventDefault(e);
          L.DomEvent.stopPropagation(e);
          map.fitBounds(bounds);
        });
        bar.appendChild(button);
        return bar;
      }
    });
    new Control().addTo(map);
  }

  // Buffers narrower than a few pixels cannot show a change of radius: say so.
  function bufferHint(map, say) {
    function check() {
      var smallest = null;
      map.eachLayer(function (layer) {
        var p = layer.feature && layer.feature.properties;
        if (!p || p.fp_buffer_km === undefined || !layer.getBounds) { return; }
        var b = layer.getBounds();
        var w = map.latLngToContainerPoint(b.getNorthEast()).x -
                map.latLngToContainerPoint(b.getSouthWest()).x;
        if (smallest === null || w < smallest.w) { smallest = {w: w, km: p.fp_buffer_km}; }
      });
      var container = map.getContainer();
      if (smallest && smallest.w < 14) {
        container.setAttribute("data-fp-small-buffers", smallest.km);
        say(word("smallBuffers", {km: String(smallest.km).replace(".", word("decimal"))}));
      } else if (container.hasAttribute("data-fp-small-buffers")) {
        container.removeAttribute("data-fp-small-buffers");
        say("");
      }
    }
    var timer = null;
    map.on("zoomend layeradd", function () { clearTimeout(timer); timer = setTimeout(check, 80); });
  }

  // The selected sighting's distance label: pan the map until it is inside.
  function keepLabelsInside(map) {
    map.on("tooltipopen", function (e) {
      var node = e.tooltip && e.tooltip.getElement();
      if (!node || !/fp-distance-label/.test(node.className)) { return; }
      setTimeout(function () {
        var frame = map.getContainer().getBoundingClientRect();
        var box = node.getBoundingClientRect(), pad = 8, dx = 0, dy = 0;
        if (box.left < frame.left + pad) { dx = box.left - frame.left - pad; }
        else if (box.right > frame.right - pad) { dx = box.right - frame.right + pad; }
        if (box.top < frame.top + pad) { dy = box.top - frame.top - pad; }
        else if (box.bottom > frame.bottom - pad) { dy = box.bottom - frame.bottom + pad; }
        if (dx || dy) { map.panBy([dx, dy], {animate: false}); }
      }, 0);
    });
  }

  function foldLegendOnSmallScreens(map) {
    if (map.getSize().x >= 480) { return; }
    var details = map.getContainer().querySelectorAll(".fp-legend details");
    for (var i = 0; i < details.length; i++) { details[i].removeAttribute("open"); }
  }

  // ------------------------------------------------------------------ entry points
  // Keyboard: every story marker can be reached with Tab and opened with Enter (or Space),
  // which selects a sighting as a click does and opens its popup.
  function plainText(html) {
    var box = document.createElement("textarea");  // decodes entities, runs nothing
    box.innerHTML = String(html || "");
    return box.value;
  }

  function keyboardMarkers(map) {
    function enable(layer) {
      var p = layer && layer.feature && layer.feature.properties;
      if (!p || !p.fp_id || !layer._path || !layer.getLatLng || layer._fpKeys) { return; }
      layer._fpKeys = true;
      var path = layer._path;
      var name = p.fp_tooltip ? plainText(p.fp_tooltip) : String(p.fp_id);
      path.setAttribute("tabindex", "0");
      path.setAttribute("role", "button");
      path.setAttribute("aria-label", word("marker", {name: name}));
      path.addEventListener("keydown", function (event) {
        if (event.key !== "Enter" && event.key !== " ") { return; }
        event.preventDefault();
        // as a click: the app selects it, and its layer opens the popup
        layer.fire("click", {latlng: layer.getLatLng(), originalEvent: event}, true);
      });
    }
    map.eachLayer(enable);
    map.on("layeradd", function (e) { enable(e.layer); });
  }

  // Screenshot mode: the box as large as the frame allows, clear of the title card, the
  // credits and the legend (under the box or beside it, whichever leaves the larger map).
  function fitWithRoom(map, bounds, tries) {
    var container = map.getContainer(), frame = container.getBoundingClientRect();
    tries = tries || 0;
    function box(selector) {
      var node = container.querySelector(selector);
      var r = node && node.getBoundingClientRect();
      return r && r.width && r.height ? r : null;
    }
    function inside(r) {
      return !r || (r.top >= frame.top - 1 && r.bottom <= frame.bottom + 1 &&
                    r.height < frame.height / 2);
    }
    var title = box(".fp-title"), legend = box(".fp-legend"), credits = box(".fp-credits");
    // Until the frame and its styles are laid out, the overlay's boxes are not where
    // they will be: try again a little later (for at most five seconds).
    if (frame.width < 50 || frame.height < 50 || !inside(title) || !inside(legend) ||
        !inside(credits)) {
      if (tries < 50) { setTimeout(function () { fitWithRoom(map, bounds, tries + 1); }, 100); }
      return;
    }
    map.invalidateSize({animate: false});
    var top = (title ? title.bottom - frame.top : 0) + 8;
    var bottom = (credits ? frame.bottom - credits.top : 0) + 8;
    var layouts = [[[8, top], [8, bottom]]];
    if (legend) {
      layouts = [[[8, top], [8, Math.max(bottom, frame.bottom - legend.top + 8)]],
                 [[8, top], [frame.right - legend.left + 8, bottom]]];
    }
    var best = null, bestZoom = -Infinity;
    layouts.forEach(function (pads) {
      var zoom = map.getBoundsZoom(bounds, false,
                                   L.point(pads[0][0] + pads[1][0], pads[0][1] + pads[1][1]));
      if (isFinite(zoom) && zoom > bestZoom) { best = pads; bestZoom = zoom; }
    });
    if (!best) { return; }
    map.fitBounds(bounds, {paddingTopLeft: best[0], paddingBottomRight: best[1],
                           animate: false});
    container.setAttribute("data-fp-fitted", String(map.getZoom()));
  }

  FP.init = function (map, options) {
    options = options || {};
    if (map._fpReady) { return; }
    map._fpReady = true;
    WORDS = options.words || DEFAULT_WORDS;
    PANES.forEach(function (pane) {
      map.createPane(pane[0]).style.zIndex = pane[1];
      map.getPane(pane[0]).style.pointerEvents = "none";
    });
    map.getContainer().style.background = SEA;
    var say = hint(map);
    wheelUntilFocused(map, say);
    if (options.bounds) { resetControl(map, options.bounds); }
    bufferHint(map, say);
    keepLabelsInside(map);
    keyboardMarkers(map);
    map.getContainer().setAttribute("role", "region");
    map.getContainer().setAttribute("aria-label", options.label || word("label"));
    setTimeout(function () { foldLegendOnSmallScreens(map); }, 0);
    if (options.fit) { setTimeout(function () { fitWithRoom(map, options.fit); }, 0); }
    // --- Standalone embeds (exports/html.py) pass the basemap inline: drawn without any
    // request, once the story layers are on the map (as after the app's fetch). The app
    // never sets basemapData.
    if (options.basemapData) {
      setTimeout(function () {
        drawBasemap(map, options.basemapData, options);
        map.getContainer().setAttribute("data-fp-basemap", "ready");
      }, 0);
    }
    // --- end of the embed option.
    function loadBasemap(url, state) {
      fetch(url, {credentials: "same-origin"})
        .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
        .then(function (data) {
          drawBasemap(map, data, options);
          map.getContainer().setAttribute("data-fp-basemap", state);
        })
        .catch(function () {
          map.getContainer().setAttribute("data-fp-basemap", "failed");
          say(word("offlineFailed"));
        });
    }
    if (options.basemapUrl) { loadBasemap(options.basemapUrl, "ready"); }
    // A web basemap that does not load (no network, a refusing tile server): say so on the
    // map and draw the offline basemap instead, from this server.
    if (options.fallbackUrl) {
      var notice = hint(map), failures = 0, fellBack = false;
      notice.box.classList.add("fp-notice");
      map.eachLayer(function (layer) {
        if (!(layer instanceof L.TileLayer)) { return; }
        layer.on("tileerror", function () {
          failures += 1;
          if (failures < 2 || fellBack) { return; }
          fellBack = true;
          notice(word("webFailed"));
          layer.setOpacity(0);
          loadBasemap(options.fallbackUrl, "fallback");
        });
      });
    }
  };

  // The story layers in the map's layer switcher follow the sidebar: the app draws every
  // story layer and lists which are hidden; a tick in the switcher goes back to the app as
  // streamlit-folium's "selected_layers" (its own handler sends the value right after ours).
  FP.syncLayers = function (control, story, hidden) {
    var map = control._map;
    if (!map) { return; }
    control._layers.forEach(function (o) {
      if (o.overlay && hidden.indexOf(o.name) >= 0 && map.hasLayer(o.layer)) {
        map.removeLayer(o.layer);
      }
    });
    function record() {
      var data = window.__GLOBAL_DATA__;
      if (!data) { return; }
      // The marker entry tells the page that the switcher itself reported (an empty list
      // of story layers then means "all unticked", not "not drawn yet").
      var visible = {"fp:switcher": {name: "switcher", url: "footprint-switcher"}};
      control._layers.forEach(function (o) {
        if (o.overlay && story.indexOf(o.name) >= 0 && map.hasLayer(o.layer)) {
          visible["fp:" + o.name] = {name: o.name, url: "footprint"};
        }
      });
      data.selected_layers = visible;
    }
    record();
    if (!map._fpSyncing) {
      map._fpSyncing = true;
      map.on("overlayadd overlayremove", function () { if (FP._record) { FP._record(); } });
    }
    FP._record = record;
  };
})();
