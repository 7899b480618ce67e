"""The one translation catalogue: every text the platform writes in Bahasa Indonesia (default) and English.

A plain catalogue, key -> (Indonesian, English), with dotted keys named by where a text is used (``nav.*``,
``upload.*``, ``ogc.*``, ``analysis.*``, ``export.*``, ``kbli.*``...). ``t(key, lang, **values)`` gives a text in a
language with its ``{name}`` placeholders filled; the core (``gis``, the ETL, the CLI) translates with it
without Flask, and ``webmap.i18n`` hands the pages' keys to the browser as JSON. What is not here: data
(a row's ``title_en`` / ``title_id``) and what the layer registry declares (``gis.layers``: a layer's titles,
descriptions, sector and subject names), so that a new dataset stays one declaration.

Why not gettext (Flask-Babel): our texts are looked up by key in the browser too (one JSON of the same
catalogue), the core translates outside any app context, two languages need no plural rules, and a
``.po``/``.mo`` compile step would be one more thing a fresh machine must run before the pages show words.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

LANGS = ("id", "en")
DEFAULT_LANG = "id"

Pair = tuple[str, str]  # (Indonesian, English)

CATALOG: dict[str, Pair] = {
    # layout
    "site.title": ("Peta Ekonomi Indramayu", "Indramayu Economic Map"),
    "tiles.grid_below": ("Di bawah zoom {zoom}: sel grid dengan {field}.",
                         "Below zoom {zoom}: grid cells with {field}."),
    "api.description": ("Profil wilayah, pencarian produsen, statistik, peluang investasi, ekspor",
                        "Area profiles, producer search, statistics, investment opportunities, exports"),
    "site.tagline": ("Potensi ekonomi Kabupaten Indramayu", "The economic potential of Indramayu Regency"),
    "nav.map": ("Peta", "Map"),
    "nav.investor": ("Investor", "Investors"),
    "nav.products": ("Cari Produk", "Find products"),
    "nav.planner": ("Perencana", "Planners"),
    "nav.api": ("API", "API"),
    "nav.menu": ("Menu", "Menu"),
    "lang.switch": ("English", "Bahasa Indonesia"),
    "lang.switch_label": ("Ganti bahasa", "Change language"),
    # installable app (webmap.pwa, static/js/sw-register.js)
    "pwa.short_name": ("Peta Ekonomi", "Economic Map"),
    "pwa.description": ("Peta potensi ekonomi Kabupaten Indramayu: produsen, komoditas, peluang investasi.",
                        "A map of the economic potential of Indramayu Regency: producers, commodities, investment."),
    "pwa.update": ("Versi baru tersedia", "A new version is available"),
    "pwa.reload": ("Muat ulang", "Reload"),
    "pwa.offline": ("Anda sedang offline: yang tampil adalah salinan tersimpan.",
                    "You are offline: this is a saved copy."),
    "pwa.offline_title": ("Tidak ada koneksi", "No connection"),
    "pwa.offline_text": ("Halaman ini belum tersimpan di perangkat. Periksa koneksi internet lalu coba lagi.",
                         "This page is not saved on the device yet. Check the internet connection and try again."),
    "pwa.retry": ("Coba lagi", "Try again"),
    "footer.data": ("Batas wilayah: poligon sederhana Kepmendagri 300.2.2-2138/2025 "
                    "(cahyadsn/wilayah_boundaries, MIT); kode dan nama: idn-area-data (ODbL). "
                    "Sebagian angka ilustratif (lihat datasets/).",
                    "Boundaries: simplified Kepmendagri 300.2.2-2138/2025 polygons "
                    "(cahyadsn/wilayah_boundaries, MIT); codes and names: idn-area-data (ODbL). "
                    "Some figures are illustrative (see datasets/)."),
    "footer.licence": ("Kode MIT · Data ODbL", "Code MIT · Data ODbL"),
    "common.loading": ("Memuat…", "Loading…"),
    "common.error": ("Data tidak dapat dimuat. Coba lagi.", "The data could not be loaded. Please try again."),
    "common.no_data": ("Tidak ada data", "No data"),
    "common.year": ("Tahun", "Year"),
    "common.area": ("Wilayah", "Area"),
    "common.all": ("Semua", "All"),
    "common.sector": ("Sektor", "Sector"),
    "common.value": ("Nilai", "Value"),
    "common.status": ("Status", "Status"),
    "common.profile": ("Profil wilayah", "Area profile"),
    "common.download": ("Unduh", "Download"),
    "common.search": ("Cari", "Search"),
    "common.more": ("Muat lebih banyak", "Load more"),
    "common.close": ("Tutup", "Close"),
    "common.ton": ("ton", "t"),
    "common.producers": ("Produsen", "Producers"),
    "common.legend": ("Legenda", "Legend"),
    "common.map": ("Peta", "Map"),
    "common.table": ("Tabel", "Table"),
    "common.name": ("Nama", "Name"),
    "common.code": ("Kode", "Code"),
    "common.class": ("Kelas", "Class"),
    "common.production": ("Produksi", "Production"),
    "common.commodity": ("Komoditas", "Commodity"),
    "common.kind": ("Jenis", "Kind"),
    "common.level": ("Tingkat", "Level"),
    "common.approximate": ("Batas wilayah perkiraan", "Approximate boundary"),
    # saved areas, "Simpan untuk offline" (webmap.offline, templates/_offline_save.html, static/js/offline-save.js):
    # two-part keys go to the map pages' scripts (webmap.i18n.JS_KEYS), the panel's three-part ones with the panel
    "offline.from_saved": ("Hasil dari data tersimpan (offline)", "Results from saved data (offline)"),
    "offline.nothing_saved": ("Offline, dan belum ada wilayah tersimpan di perangkat ini.",
                              "Offline, and no area is saved on this device yet."),
    "offline.panel.title": ("Simpan untuk offline", "Save for offline use"),
    "offline.panel.intro": ("Simpan peta, produsen, peluang investasi dan TPI {name} di perangkat ini agar tetap "
                            "bisa dibuka tanpa internet.",
                            "Keep the map, producers, investment opportunities and fish auctions (TPI) of {name} on "
                            "this device, to open them without internet."),
    "offline.panel.detail": ("Tingkat detail peta", "Map detail"),
    "offline.panel.zoom_13": ("Sedang (zoom 13)", "Medium (zoom 13)"),
    "offline.panel.zoom_14": ("Tinggi (zoom 14)", "High (zoom 14)"),
    "offline.panel.zoom_15": ("Penuh (zoom 15)", "Full (zoom 15)"),
    "offline.panel.measuring": ("Menghitung ukuran…", "Measuring the size…"),
    "offline.panel.size": ("Perkiraan ukuran: {size} ({tiles} ubin peta, {records} data)",
                           "Estimated size: {size} ({tiles} map tiles, {records} records)"),
    "offline.panel.plan_failed": ("Ukuran tidak dapat dihitung (periksa koneksi).",
                                  "The size could not be measured (check the connection)."),
    "offline.panel.save": ("Simpan", "Save"),
    "offline.panel.cancel": ("Batal", "Cancel"),
    "offline.panel.progress": ("{done} dari {total} berkas · {size}", "{done} of {total} files · {size}"),
    "offline.panel.done": ("Tersimpan: {name}, {size}.", "Saved: {name}, {size}."),
    "offline.panel.cancelled": ("Dibatalkan: tidak ada yang disimpan.", "Cancelled: nothing was saved."),
    "offline.panel.failed": ("Gagal menyimpan: {error}", "Saving failed: {error}"),
    "offline.panel.saved": ("Wilayah tersimpan", "Saved areas"),
    "offline.panel.none": ("Belum ada wilayah tersimpan.", "No area saved yet."),
    "offline.panel.item": ("{name} · {size} · {tiles} ubin (zoom ≤ {zoom}) · {records} data · {date}",
                           "{name} · {size} · {tiles} tiles (zoom ≤ {zoom}) · {records} records · {date}"),
    "offline.panel.remove": ("Hapus", "Remove"),
    "offline.panel.storage": ("Penyimpanan terpakai: {used} dari {quota}.", "Storage used: {used} of {quota}."),
    "offline.panel.persisted": ("Browser menyimpannya secara permanen.", "The browser keeps it permanently."),
    "offline.panel.not_persisted": ("Browser dapat menghapusnya bila ruang penyimpanan penuh.",
                                    "The browser may remove it when storage runs low."),
    "offline.panel.unsupported": ("Browser ini tidak dapat menyimpan untuk offline.",
                                  "This browser cannot save for offline use."),
    # map page
    "map.title": ("Peta Ekonomi", "Economic Map"),
    "map.intro": ("Pertanian, perikanan, UMKM dan peluang investasi Kabupaten Indramayu.",
                  "Agriculture, fisheries, small businesses and investment opportunities of Indramayu."),
    "map.search_placeholder": ("Cari tempat atau produk (mis. Kenanga, krupuk)",
                               "Search places or products (e.g. Kenanga, krupuk)"),
    "map.search_places": ("Tempat", "Places"),
    "map.search_products": ("Produk & produsen", "Products & producers"),
    "map.search_none": ("Tidak ditemukan", "Nothing found"),
    "layer.salt": ("Desa penghasil garam", "Salt-producing villages"),
    "layer.labels": ("Nama tempat", "Place names"),
    "layer.outline": ("Batas kabupaten dan garis pantai", "Regency outline and coast"),
    "legend.cell": ("Kelompok produsen (perbesar untuk rincian)", "Group of producers (zoom in for detail)"),
    "legend.producer": ("Satu produsen, warna per sektor KBLI", "One producer, coloured by KBLI sector"),
    "legend.tpi": ("Tempat pelelangan ikan", "Fish auction / landing site"),
    "legend.opportunity": ("Lokasi peluang investasi", "Investment opportunity site"),
    "legend.salt": ("Produksi garam (ton)", "Salt production (t)"),
    "legend.boundary": ("Garis batas", "Boundary line"),
    "popup.cell": ("{n} produsen di sekitar sini. Perbesar peta untuk melihatnya.",
                   "{n} producers around here. Zoom in to see them."),
    "popup.products": ("Produk", "Products"),
    "popup.address": ("Alamat", "Address"),
    "popup.phone": ("Telepon", "Phone"),
    "popup.population": ("Penduduk", "Population"),
    "popup.area_km2": ("Luas (km²)", "Area (km²)"),
    "popup.value_idr": ("Nilai investasi", "Investment value"),
    "popup.contact": ("Instansi kontak", "Contact agency"),
    "popup.readiness": ("Kesiapan", "Readiness"),
    "popup.irr": ("IRR", "IRR"),
    "popup.npv": ("NPV", "NPV"),
    "popup.bc_ratio": ("Rasio B/C", "B/C ratio"),
    "popup.payback": ("Periode pengembalian", "Payback period"),
    "popup.years": ("{n} tahun", "{n} years"),
    "popup.land_status": ("Status lahan", "Land status"),
    "popup.licensing": ("Informasi perizinan (OSS)", "Licensing information (OSS)"),
    "popup.open_profile": ("Buka profil wilayah", "Open area profile"),
    "control.year": ("Tahun", "Year"),
    # investor
    "investor.title": ("Portal Investor", "Investor Portal"),
    "investor.intro": ("Profil sektor unggulan, tren produksi dan peluang investasi Kabupaten Indramayu.",
                       "Leading sectors, production trends and investment opportunities of Indramayu Regency."),
    "investor.agriculture": ("Pertanian", "Agriculture"),
    "investor.agriculture_text": ("Lumbung padi terbesar Jawa Barat dan sentra mangga gedong gincu.",
                                  "West Java's largest rice producer and home of the gedong gincu mango."),
    "investor.fisheries": ("Perikanan dan garam", "Fisheries and salt"),
    "investor.fisheries_text": ("Perikanan tangkap laut, budidaya tambak dan kolam, serta garam rakyat.",
                                "Marine capture, brackish and freshwater ponds, and smallholder salt."),
    "investor.industry": ("Industri pengolahan", "Processing industry"),
    "investor.industry_text": ("Sentra krupuk Desa Kenanga, ikan asin, olahan mangga dan usaha purna PMI.",
                               "The krupuk cluster of Desa Kenanga, salted fish, mango products and businesses "
                               "of returned migrant workers."),
    "investor.trend": ("Tren produksi kabupaten (ton)", "Regency production trend (t)"),
    "investor.leading": ("Kecamatan unggulan", "Leading districts"),
    "investor.by_sector": ("Produsen menurut sektor KBLI", "Producers by KBLI sector"),
    "investor.clusters": ("Sentra produk", "Product clusters"),
    "investor.opportunities": ("Peluang investasi", "Investment opportunities"),
    "investor.filter_sector": ("Sektor", "Sector"),
    "investor.filter_status": ("Status", "Status"),
    "investor.filter_min": ("Nilai minimum (Rp)", "Minimum value (IDR)"),
    "investor.apply": ("Terapkan", "Apply"),
    "investor.count": ("{n} peluang", "{n} opportunities"),
    "investor.readiness": ("Kesiapan", "Readiness"),
    "investor.irr": ("IRR", "IRR"),
    "investor.payback": ("Pengembalian (tahun)", "Payback (years)"),
    "investor.analysis_title": ("Analisis sektor basis dan tipologi kecamatan", "Basic sectors and district typology"),
    "investor.analysis_intro": ("Di mana sebuah komoditas menjadi basis (LQ > 1) dan kecamatan mana yang maju dan "
                                "tumbuh cepat (tipologi Klassen).",
                                "Where a commodity is basic (LQ > 1) and which districts are prime and fast-growing "
                                "(Klassen typology)."),
    # producer finder
    "produk.title": ("Cari Produk UMKM", "Find Local Products"),
    "produk.intro": ("Cari krupuk, mangga, ikan asin, garam dan produk lain langsung dari produsennya.",
                     "Find krupuk, mango, salted fish, salt and more, straight from the producers."),
    "produk.placeholder": ("Produk atau nama usaha", "Product or business name"),
    "produk.near_me": ("Dekat saya", "Near me"),
    "produk.locating": ("Mencari lokasi Anda…", "Finding your location…"),
    "produk.no_location": ("Lokasi tidak tersedia. Izinkan akses lokasi atau cari dengan kata kunci.",
                           "Location is not available. Allow location access or search by keyword."),
    "produk.results": ("{n} produsen", "{n} producers"),
    "produk.none": ("Tidak ada produsen yang cocok.", "No matching producers."),
    "produk.whatsapp": ("WhatsApp", "WhatsApp"),
    "produk.call": ("Telepon", "Call"),
    "produk.directions": ("Petunjuk arah", "Directions"),
    "produk.open_map_app": ("Buka di aplikasi peta", "Open in map app"),
    "produk.osm": ("OpenStreetMap", "OpenStreetMap"),
    "produk.distance": ("{d} dari Anda", "{d} from you"),
    "produk.suggestions": ("Coba:", "Try:"),
    "produk.employees": ("Tenaga kerja", "Employees"),
    "produk.since": ("Berdiri", "Established"),
    "produk.migrant": ("Usaha purna pekerja migran", "Business of a returned migrant worker"),
    # planner
    "planner.title": ("Konsol Perencana", "Planner Console"),
    "planner.intro": ("Pilih lapisan, saring wilayah, sektor dan tahun, lalu unduh tabelnya.",
                      "Pick a layer, filter by area, sector and year, then download the table."),
    "planner.layer": ("Lapisan", "Layer"),
    "planner.subject": ("Komoditas / jenis", "Commodity / kind"),
    "planner.aggregate": ("Agregasi", "Aggregate to"),
    "planner.measure": ("Ukuran", "Measure"),
    "planner.method": ("Klasifikasi", "Classification"),
    "planner.area_filter": ("Kecamatan", "District"),
    "planner.sector": ("Sektor KBLI (produsen)", "KBLI sector (producers)"),
    "planner.downloads": ("Unduh data", "Download data"),
    "planner.download_table": ("Tabel statistik", "Statistics table"),
    "planner.download_rows": ("Data mentah lapisan", "Raw layer rows"),
    "planner.download_producers": ("Produsen (dengan saringan)", "Producers (filtered)"),
    "planner.total": ("Jumlah", "Total"),
    "planner.show": ("Tampilkan", "Show"),
    "planner.sections": ("Bagian konsol perencana", "Sections of the planner console"),
    "planner.nav_console": ("Tabel dan peta", "Tables and maps"),
    "planner.nav_upload": ("Unggah data (petugas data)", "Upload data (data stewards)"),
    "analysis.title": ("Analisis", "Analysis"),
    "analysis.intro": ("Analisis ekonomi wilayah per kecamatan: sektor basis dan tipologi pertumbuhan.",
                       "Regional economic analysis by district: basic sectors and growth typology."),
    "analysis.choice": ("Analisis", "Analysis"),
    "analysis.lq_padi": ("LQ padi (tahun terakhir)", "LQ of rice (latest year)"),
    "analysis.klassen_padi": ("Tipologi Klassen padi 2020→2024", "Klassen typology of rice 2020→2024"),
    "analysis.lq_tambak": ("LQ budidaya tambak 2021", "LQ of brackish-pond aquaculture 2021"),
    "analysis.reference": ("Referensi", "Reference"),
    "analysis.ref_kabupaten": ("Kabupaten", "Regency"),
    "analysis.ref_provinsi": ("Provinsi", "Province"),
    "analysis.ref_nasional": ("Nasional", "National"),
    "analysis.lq_method": ("Location Quotient (LQ) membandingkan pangsa komoditas dalam produksi sebuah "
                           "kecamatan dengan pangsanya di wilayah referensi: LQ = (e_ij / e_j) / (E_i / E). "
                           "LQ > 1 berarti komoditas itu basis (surplus yang dapat dipasarkan ke luar); "
                           "LQ ≤ 1 non-basis.",
                           "The location quotient (LQ) compares a commodity's share in a district's production "
                           "with its share in the reference area: LQ = (e_ij / e_j) / (E_i / E). LQ > 1 means "
                           "the commodity is basic (a surplus to sell outside); LQ ≤ 1 non-basic."),
    "analysis.klassen_method": ("Tipologi Klassen menempatkan setiap kecamatan pada salah satu dari empat "
                                "kuadran menurut pertumbuhan produksi (dibanding pertumbuhan referensi) dan "
                                "kontribusinya terhadap produksi kabupaten (dibanding rata-rata 1/n): "
                                "I maju dan tumbuh cepat, II maju tapi tertekan, III berkembang cepat, "
                                "IV relatif tertinggal.",
                                "The Klassen typology puts each district in one of four quadrants by its "
                                "production growth (against the reference's growth) and its contribution to the "
                                "regency's production (against the average 1/n): I prime, II developed but "
                                "depressed, III potential (fast-developing), IV relatively lagging."),
    "analysis.value_lq": ("LQ", "LQ"),
    "analysis.growth": ("Pertumbuhan", "Growth"),
    "analysis.share": ("Kontribusi", "Share"),
    "analysis.class": ("Kelas", "Class"),
    "analysis.production": ("Produksi (ton)", "Production (t)"),
    "analysis.unclassified": ("Tidak terklasifikasi", "Not classified"),
    "analysis.summary": ("{n} kecamatan · referensi: {ref}", "{n} districts · reference: {ref}"),
    "analysis.warning": ("Catatan", "Note"),
    "method.quantiles": ("Kuantil", "Quantiles"),
    "method.natural_breaks": ("Jenks (natural breaks)", "Natural breaks (Jenks)"),
    "method.equal_interval": ("Interval sama", "Equal interval"),
    # upload page of the planner console (data stewards)
    "upload.title": ("Unggah Data", "Upload Data"),
    "upload.intro": ("Untuk petugas data instansi: periksa lalu muat berkas CSV, XLSX, GeoJSON, Shapefile (zip) "
                     "atau GeoPackage dengan kunci API Anda. Berkas dengan baris tidak valid tidak dimuat sama "
                     "sekali, kecuali Anda memilih untuk melewati baris tersebut.",
                     "For agency data stewards: check, then load CSV, XLSX, GeoJSON, zipped Shapefile or GeoPackage "
                     "files with your API key. A file with invalid rows loads nothing, unless you choose to skip "
                     "those rows."),
    "upload.key": ("Kunci API", "API key"),
    "upload.key_help": ("Disimpan hanya di tab ini (sessionStorage) sampai tab ditutup; tidak pernah di URL "
                        "atau cookie.",
                        "Kept only in this tab (sessionStorage) until it is closed; never in a URL or a cookie."),
    "upload.forget_key": ("Lupakan kunci", "Forget the key"),
    "upload.kind": ("Jenis data", "Kind of data"),
    "upload.roles": ("Peran kunci yang boleh memuat: {roles}", "Key roles that may load it: {roles}"),
    "upload.columns": ("Kolom yang dikenali (* wajib): {columns}", "Columns understood (* required): {columns}"),
    "upload.file": ("Berkas", "File"),
    "upload.file_help": ("CSV, XLSX, GeoJSON, Shapefile (zip) atau GeoPackage; paling besar {mb} MB.",
                         "CSV, XLSX, GeoJSON, zipped Shapefile or GeoPackage; at most {mb} MB."),
    "upload.options": ("Pilihan", "Options"),
    "upload.dry_run": ("Periksa saja (uji coba: tidak ada yang dimuat)", "Check only (dry run: nothing is loaded)"),
    "upload.skip_invalid": ("Lewati baris tidak valid (muat baris yang valid saja)",
                            "Skip invalid rows (load only the valid ones)"),
    "upload.commodity": ("Komoditas (opsional)", "Commodity (optional)"),
    "upload.commodity_help": ("Untuk tabel tanpa kolom komoditas, mis. bawang merah.",
                              "For tables without a commodity column, e.g. shallot."),
    "upload.year": ("Tahun (opsional)", "Year (optional)"),
    "upload.year_help": ("Untuk tabel tanpa kolom tahun.", "For tables without a year column."),
    "upload.source": ("Nama sumber (opsional)", "Source name (optional)"),
    "upload.source_help": ("Berkas perbaikan dengan nama sumber yang sama menggantikan baris versi sebelumnya; "
                           "bawaan: nama berkas.",
                           "A corrected file with the same source name replaces the rows of its previous "
                           "version; default: the file name."),
    "upload.submit": ("Kirim berkas", "Send the file"),
    "upload.sending": ("Mengirim dan memeriksa berkas…", "Sending and checking the file…"),
    "upload.result": ("Hasil pemeriksaan", "Validation report"),
    "upload.need_key": ("Isi kunci API terlebih dahulu.", "Enter your API key first."),
    "upload.need_file": ("Pilih berkas yang akan dikirim.", "Choose the file to send."),
    "upload.status_validated": ("Valid: berkas lolos pemeriksaan. Tidak ada yang dimuat (uji coba).",
                                "Valid: the file passed the checks. Nothing was loaded (dry run)."),
    "upload.status_loaded": ("Dimuat: data sudah masuk ke basis data.", "Loaded: the data are in the database."),
    "upload.status_unchanged": ("Tidak berubah: berkas yang sama persis sudah pernah dimuat.",
                                "Unchanged: this exact file was already loaded."),
    "upload.status_invalid": ("Tidak valid: berkas tidak dimuat. Perbaiki temuan di bawah lalu kirim lagi.",
                              "Invalid: the file was not loaded. Fix the issues below and send it again."),
    "upload.rows_read": ("Baris dibaca", "Rows read"),
    "upload.rows_loaded": ("Baris dimuat", "Rows loaded"),
    "upload.rows_rejected": ("Baris ditolak", "Rows rejected"),
    "upload.errors": ("Galat", "Errors"),
    "upload.warnings": ("Peringatan", "Warnings"),
    "upload.issues": ("Temuan", "Issues"),
    "upload.no_issues": ("Tidak ada temuan.", "No issues found."),
    "upload.truncated": ("Hanya {n} temuan pertama yang dicantumkan.", "Only the first {n} issues are listed."),
    "upload.notes": ("Catatan", "Notes"),
    "upload.row": ("Baris", "Row"),
    "upload.column": ("Kolom", "Column"),
    "upload.value": ("Nilai", "Value"),
    "upload.reason": ("Alasan", "Reason"),
    "upload.severity": ("Tingkat", "Severity"),
    "upload.severity_error": ("galat", "error"),
    "upload.severity_warning": ("peringatan", "warning"),
    "upload.whole_file": ("seluruh berkas", "whole file"),
    "upload.error_400": ("Permintaan perlu diperbaiki.", "The request needs fixing."),
    "upload.error_401": ("Kunci API tidak ada, tidak dikenal, atau sudah dicabut. Periksa kunci Anda.",
                         "The API key is missing, unknown or revoked. Check your key."),
    "upload.error_403": ("Kunci ini tidak berhak memuat jenis data ini. Pilih jenis lain atau minta kunci dengan "
                         "peran yang sesuai.",
                         "This key may not load this kind of data. Choose another kind or ask for a key with the "
                         "right role."),
    "upload.error_404": ("Jenis data tidak dikenal.", "Unknown kind of data."),
    "upload.error_413": ("Berkas terlalu besar: paling besar {mb} MB. Tidak ada yang dimuat.",
                         "The file is too large: at most {mb} MB. Nothing was loaded."),
    "upload.error_429": ("Terlalu banyak permintaan. Coba lagi dalam {s} detik.",
                         "Too many requests. Try again in {s} seconds."),
    "upload.error_503": ("Basis data sedang tidak tersedia; tidak ada yang dimuat. Coba lagi dalam {s} detik.",
                         "The database is unavailable; nothing was loaded. Try again in {s} seconds."),
    "upload.error_other": ("Unggahan gagal (HTTP {status}).", "The upload failed (HTTP {status})."),
    "upload.error_network": ("Server tidak dapat dihubungi. Periksa koneksi lalu coba lagi.",
                             "The server could not be reached. Check the connection and try again."),
    "upload.detail": ("Keterangan server", "Server detail"),
    "upload.history": ("Riwayat muat", "Load history"),
    "upload.history_intro": ("Muatan terakhir, terbaru di atas.", "Recent loads, newest first."),
    "upload.refresh": ("Muat ulang riwayat", "Refresh the history"),
    "upload.when": ("Waktu", "When"),
    "upload.kind_col": ("Jenis", "Kind"),
    "upload.source_col": ("Sumber", "Source"),
    "upload.rows": ("Baris (dimuat / dibaca / ditolak)", "Rows (loaded / read / rejected)"),
    "upload.who": ("Oleh", "By"),
    "upload.no_loads": ("Belum ada riwayat muat.", "No loads yet."),
    "upload.run_loaded": ("dimuat", "loaded"),
    "upload.run_superseded": ("digantikan versi baru", "superseded"),
    # kinds of file of the ETL (etl.jobs.JOBS)
    "kind.boundaries": ("Batas wilayah administrasi (kabupaten, kecamatan, desa)",
                        "Administrative boundaries (kabupaten, kecamatan, desa)"),
    "kind.agriculture": ("Produksi pertanian per wilayah dan tahun", "Agricultural production per area and year"),
    "kind.fisheries": ("Produksi perikanan per wilayah dan tahun", "Fisheries production per area and year"),
    "kind.landing-sites": ("Tempat pelelangan ikan (TPI/PPI)", "Fish landing sites (TPI/PPI)"),
    "kind.producers": ("Produsen (UMKM/IKM)", "Producers (UMKM/IKM)"),
    "kind.opportunities": ("Peluang investasi", "Investment opportunities"),
    "kind.totals": ("Angka pembanding (kabupaten, provinsi, nasional)",
                    "Comparison totals (regency, province, nation)"),
    # offline packages of an area (gis/packages.py, webmap/templates/_packages.html)
    "area.packages": ("Paket offline", "Offline packages"),
    "area.packages_intro": ("Unduh wilayah ini untuk aplikasi peta di ponsel (MBTiles, mis. MapLibre) atau untuk "
                            "QGIS dan GIS desktop lain (GeoPackage).",
                            "Download this area for map apps on a phone (MBTiles, e.g. MapLibre) or for QGIS and "
                            "other desktop GIS (GeoPackage)."),
    "area.package_mbtiles": ("MBTiles: ubin vektor semua lapisan", "MBTiles: vector tiles of every layer"),
    "area.package_gpkg": ("GeoPackage: semua fitur, satu tabel per lapisan",
                          "GeoPackage: every feature, one table per layer"),
    "area.package_on_download": ("dibuat saat diunduh", "built on download"),
    "area.package_mb": ("{size} MB", "{size} MB"),
    # GRDP by industry: the ETL kind (etl/grdp.py; issue 16, item 1)
    "kind.grdp": ("PDRB menurut lapangan usaha (tabel BPS, juta rupiah)",
                  "GRDP by industry (BPS table, million Rupiah)"),
    # area profile
    "area.title": ("Profil Wilayah", "Area Profile"),
    "area.key_numbers": ("Angka kunci", "Key numbers"),
    "area.population": ("Penduduk", "Population"),
    "area.area_km2": ("Luas (km²)", "Area (km²)"),
    "area.density": ("Kepadatan (jiwa/km²)", "Density (per km²)"),
    "area.population_none": ("Belum ada data penduduk", "No population figure available yet"),
    "area.year_unstated": ("tahun tidak disebut", "year not stated"),
    "area.computed": ("dihitung dari poligon", "computed from the polygon"),
    "area.derived": ("Batas ini digabung dari batas desa/kelurahan di dalamnya.",
                     "This boundary was dissolved from the desa/kelurahan within it."),
    "area.producers": ("Produsen terdaftar", "Registered producers"),
    "area.opportunities": ("Peluang investasi", "Investment opportunities"),
    "area.top": ("Komoditas utama (tahun terakhir)", "Main commodities (latest year)"),
    "area.production_by_year": ("Produksi per tahun (ton)", "Production by year (t)"),
    "area.by_sector": ("Produsen menurut sektor", "Producers by sector"),
    "area.children": ("Wilayah di dalamnya", "Areas within"),
    "area.up": ("Wilayah induk", "Parent area"),
    "area.find_producers": ("Cari produsen di wilayah ini", "Find producers in this area"),
    "area.none": ("Belum ada data.", "No data yet."),
    "area.shift_title": ("Shift-share padi 2020→2024", "Shift-share of rice 2020→2024"),
    "area.shift_method": ("Analisis shift-share membagi perubahan produksi kecamatan menjadi tiga komponen: "
                          "pertumbuhan referensi (bila tumbuh seperti kabupaten), pergeseran proporsional (bauran "
                          "komoditas) dan pergeseran diferensial (daya saing lokal).",
                          "Shift-share analysis splits a district's change in production into three components: "
                          "the reference growth (as if it grew like the regency), the proportional shift (commodity "
                          "mix) and the differential shift (local competitiveness)."),
    "area.shift_component": ("Komponen", "Component"),
    "area.shift_national": ("Pertumbuhan referensi", "Regional share"),
    "area.shift_proportional": ("Pergeseran proporsional", "Proportional shift"),
    "area.shift_differential": ("Pergeseran diferensial", "Differential shift"),
    "area.shift_total": ("Perubahan total", "Total change"),
    "level.kabupaten": ("Kabupaten", "Regency"),
    "level.kecamatan": ("Kecamatan", "District"),
    "level.desa": ("Desa/Kelurahan", "Village"),
    # share and print pages of a producer and an opportunity (webmap/share.py, templates produk_detail.html,
    # qr.html, peluang.html, static/js/share.js, gis/map_image.py)
    "share.page_producer": ("Halaman usaha", "Business page"),
    "share.page_opportunity": ("Profil peluang", "Opportunity profile"),
    "share.share": ("Bagikan", "Share"),
    "share.whatsapp": ("Bagikan lewat WhatsApp", "Share on WhatsApp"),
    "share.copied": ("Tautan disalin", "Link copied"),
    "share.chat": ("Chat WhatsApp", "WhatsApp chat"),
    "share.view_on_map": ("Lihat di peta", "View on the map"),
    "share.qr_link": ("Kode QR untuk etalase", "QR code for the shop window"),
    "share.qr_scan": ("Pindai untuk melihat di Peta Ekonomi Indramayu", "Scan to view on the Indramayu Economic Map"),
    "share.print": ("Cetak", "Print"),
    "share.map_alt": ("Peta lokasi {name}: batas desa dan kecamatan di sekitarnya",
                      "Map of where {name} is: the boundaries of the villages and districts around it"),
    "share.producer_text": ("{products} dari {place}", "{products} from {place}"),
    "share.producer_unknown": ("Tidak ada usaha dengan nomor {id}.", "There is no business with number {id}."),
    "share.opportunity_unknown": ("Tidak ada peluang investasi dengan kode {code}.",
                                  "There is no investment opportunity with code {code}."),
    "share.location": ("Lokasi", "Location"),
    "share.approximate": ("Lokasi perkiraan (pusat desa)", "Approximate location (centre of the village)"),
    "share.website": ("Situs web", "Website"),
    "share.description": ("Deskripsi", "Description"),
    "share.profile_of": ("Profil proyek investasi · Kabupaten Indramayu", "Investment project profile · Indramayu"),
    "share.all_producers": ("Semua produsen", "All producers"),
    "share.all_opportunities": ("Semua peluang investasi", "All investment opportunities"),
    # errors
    "error.404_title": ("Halaman tidak ditemukan", "Page not found"),
    "error.503_title": ("Layanan sedang tidak tersedia", "Service unavailable"),
    "error.database_away": ("Basis data sedang tidak dapat dihubungi. Coba lagi sebentar lagi.",
                            "The database cannot be reached at the moment. Please try again shortly."),
    "error.area_unknown": ("Tidak ada wilayah dengan kode {code}.", "There is no area with code {code}."),
    "error.back_home": ("Kembali ke peta", "Back to the map"),
    "error.assets": ("Berkas peta belum terpasang: jalankan bash scripts/setup.sh.",
                     "Map files are not installed yet: run bash scripts/setup.sh."),
    # opportunity sectors, statuses and readiness (values of the opportunities table); a sector named after a
    # statistical layer (agriculture, fisheries) takes the registry's name (gis/layers.py Stats, webmap/layer_config.py)
    "sector.agroindustry": ("Agroindustri", "Agro-industry"),
    "sector.tourism": ("Pariwisata", "Tourism"),
    "sector.creative_industry": ("Industri kreatif", "Creative industry"),
    "sector.industry": ("Industri", "Industry"),
    "sector.infrastructure": ("Infrastruktur", "Infrastructure"),
    "sector.energy": ("Energi", "Energy"),
    "status.tersedia": ("Tersedia", "Available"),
    "status.dalam_penjajakan": ("Dalam penjajakan", "Under discussion"),
    "status.terealisasi": ("Terealisasi", "Realised"),
    "readiness.siap_investasi": ("Siap investasi", "Investment-ready"),
    "readiness.prastudi_kelayakan": ("Prastudi kelayakan", "Pre-feasibility study"),
    # rupiah amounts in words (webmap.i18n.format_idr)
    "money.idr": ("Rp {amount}", "IDR {amount}"),
    "money.idr_trillion": ("Rp {amount} triliun", "IDR {amount} trillion"),
    "money.idr_billion": ("Rp {amount} miliar", "IDR {amount} billion"),
    "money.idr_million": ("Rp {amount} juta", "IDR {amount} million"),
    # KBLI 2020 sections (gis.kbli)
    "kbli.A": ("Pertanian, Kehutanan dan Perikanan", "Agriculture, forestry and fishing"),
    "kbli.B": ("Pertambangan dan Penggalian", "Mining and quarrying"),
    "kbli.C": ("Industri Pengolahan", "Manufacturing"),
    "kbli.D": ("Pengadaan Listrik, Gas, Uap/Air Panas dan Udara Dingin", "Electricity and gas supply"),
    "kbli.E": ("Pengelolaan Air, Limbah dan Daur Ulang Sampah", "Water supply, waste and remediation"),
    "kbli.F": ("Konstruksi", "Construction"),
    "kbli.G": ("Perdagangan Besar dan Eceran; Reparasi Mobil dan Sepeda Motor",
               "Wholesale and retail trade; repair of motor vehicles"),
    "kbli.H": ("Transportasi dan Pergudangan", "Transportation and storage"),
    "kbli.I": ("Penyediaan Akomodasi dan Makan Minum", "Accommodation and food service"),
    "kbli.J": ("Informasi dan Komunikasi", "Information and communication"),
    "kbli.K": ("Aktivitas Keuangan dan Asuransi", "Financial and insurance activities"),
    "kbli.L": ("Real Estat", "Real estate"),
    "kbli.M": ("Aktivitas Profesional, Ilmiah dan Teknis", "Professional, scientific and technical"),
    "kbli.N": ("Aktivitas Penyewaan dan Sewa Guna Usaha, Ketenagakerjaan, Agen Perjalanan",
               "Administrative and support services"),
    "kbli.O": ("Administrasi Pemerintahan, Pertahanan dan Jaminan Sosial Wajib", "Public administration and defence"),
    "kbli.P": ("Pendidikan", "Education"),
    "kbli.Q": ("Aktivitas Kesehatan Manusia dan Aktivitas Sosial", "Human health and social work"),
    "kbli.R": ("Kesenian, Hiburan dan Rekreasi", "Arts, entertainment and recreation"),
    "kbli.S": ("Aktivitas Jasa Lainnya", "Other service activities"),
    "kbli.T": ("Aktivitas Rumah Tangga sebagai Pemberi Kerja", "Activities of households as employers"),
    "kbli.U": ("Aktivitas Badan Internasional dan Badan Ekstra Internasional Lainnya",
               "Extraterritorial organisations"),
    # the words of the export files' "about" sheets (gis.exports, webmap.analysis_api)
    "export.column": ("kolom", "column"),
    "export.title": ("judul", "title"),
    "export.type": ("jenis", "type"),
    "export.lon": ("Bujur (WGS84)", "Longitude (WGS84)"),
    "export.lat": ("Lintang (WGS84)", "Latitude (WGS84)"),
    "export.method": ("metode", "method"),
    "export.threshold": ("ambang", "threshold"),
    "export.reference": ("referensi", "reference"),
    "export.commodities": ("komoditas", "commodities"),
    "export.warning": ("peringatan", "warning"),
    "export.class": ("kelas", "class"),
    # the HTML pages of the OGC API (webmap.ogc, webmap.ogc_html)
    "ogc.api_title": ("Peta Ekonomi — OGC API Features", "Peta Ekonomi — OGC API Features"),
    "ogc.api_description": (
        "Potensi ekonomi Kabupaten Indramayu: wilayah, produsen UMKM/IKM, TPI, peluang investasi, produksi "
        "pertanian dan perikanan, dan hasil analisis per wilayah (LQ, DLQ, shift-share, tipologi Klassen, "
        "komoditas unggulan). Bisa dibaca QGIS, GDAL dan OWSLib.",
        "Economic potential of Kabupaten Indramayu: areas, UMKM/IKM producers, fish landing sites, investment "
        "opportunities, agriculture and fisheries production, and analysis results per area (LQ, DLQ, "
        "shift-share, Klassen typology, leading commodities). Readable by QGIS, GDAL and OWSLib."),
    "ogc.docs": ("Dokumentasi API", "API documentation"),
    "ogc.collections": ("Koleksi", "Collections"),
    "ogc.features": ("Fitur", "Features"),
    "ogc.title": ("Judul", "Title"),
    "ogc.description": ("Deskripsi", "Description"),
    "ogc.years": ("Tahun", "Years"),
    "ogc.geometry": ("Geometri", "Geometry"),
    "ogc.type": ("Tipe", "Type"),
    "ogc.next": ("Berikutnya →", "Next →"),
    "ogc.prev": ("← Sebelumnya", "← Previous"),
    "ogc.showing": ("Menampilkan {first}–{last} dari {total} fitur.", "Showing {first}–{last} of {total} features."),
    "ogc.queryables_intro": (
        "Properti yang dapat dipakai di parameter filter (CQL2-text). Tanda ✓: juga sebagai ?nama=nilai.",
        "Properties usable in the filter parameter (CQL2-text). ✓: also usable as ?name=value."),
    "ogc.parameters": ("Parameter", "Parameters"),
    "ogc.coordinates": ("Koordinat (lintang, bujur)", "Coordinates (lat, lon)"),
    "ogc.yes": ("ya", "yes"),
    "ogc.no": ("tidak", "no"),
    # The analyses (gis.analysis). Three-part keys are the server's texts: the pages' scripts get the two-part
    # keys of their namespaces only (webmap.i18n.JS_KEYS).
    "analysis.name.lq": ("Location quotient (LQ)", "Location quotient (LQ)"),
    "analysis.name.dlq": ("Dynamic LQ (DLQ)", "Dynamic LQ (DLQ)"),
    "analysis.name.shift-share": ("Shift-share", "Shift-share"),
    "analysis.name.klassen": ("Tipologi Klassen", "Klassen typology"),
    "analysis.name.leading": ("Komoditas unggulan", "Leading commodities"),
    "analysis.class.lq.basis": ("Basis (LQ > 1)", "Basic (LQ > 1)"),
    "analysis.class.lq.non_basis": ("Non-basis (LQ ≤ 1)", "Non-basic (LQ ≤ 1)"),
    "analysis.class.dlq.leading": ("Unggulan: basis dan spesialisasi menguat (tetap basis)",
                                   "Leading: basic, specialisation rising"),
    "analysis.class.dlq.weakening": ("Basis melemah: spesialisasi menurun (dapat menjadi non-basis)",
                                     "Weakening: basic, specialisation falling"),
    "analysis.class.dlq.emerging": ("Prospektif: non-basis, spesialisasi menguat (dapat menjadi basis)",
                                    "Emerging: non-basic, specialisation rising"),
    "analysis.class.dlq.lagging": ("Tertinggal: non-basis dan spesialisasi menurun",
                                   "Lagging: non-basic, specialisation falling"),
    "analysis.class.shift.competitive": ("Berdaya saing: tumbuh lebih cepat dari referensi",
                                         "Competitive: grew faster than the reference"),
    "analysis.class.shift.not_competitive": ("Kurang berdaya saing: tidak tumbuh lebih cepat dari referensi",
                                             "Less competitive: did not grow faster than the reference"),
    "analysis.class.klassen.prime": ("Kuadran I: maju dan tumbuh cepat",
                                     "Quadrant I: prime (developed and fast-growing)"),
    "analysis.class.klassen.developed_depressed": ("Kuadran II: maju tapi tertekan",
                                                   "Quadrant II: developed but depressed"),
    "analysis.class.klassen.potential": ("Kuadran III: berkembang cepat", "Quadrant III: potential (fast-developing)"),
    "analysis.class.klassen.lagging": ("Kuadran IV: relatif tertinggal", "Quadrant IV: relatively lagging"),
    "analysis.class.leading.leading": ("Unggulan: basis dan tumbuh lebih cepat dari referensi",
                                       "Leading: basic and outgrowing the reference"),
    "analysis.class.leading.basis_slower": ("Basis, tumbuh tidak lebih cepat dari referensi",
                                            "Basic, not outgrowing the reference"),
    "analysis.class.leading.emerging": ("Potensial: non-basis, tumbuh lebih cepat dari referensi",
                                        "Emerging: non-basic, outgrowing the reference"),
    "analysis.class.leading.other": ("Bukan unggulan: non-basis, tumbuh tidak lebih cepat",
                                     "Not leading: non-basic, not outgrowing"),
    "analysis.class.leading.basis": ("Basis (pertumbuhan tidak tersedia)", "Basic (growth not available)"),
    "analysis.class.leading.non_basis": ("Non-basis (pertumbuhan tidak tersedia)", "Non-basic (growth not available)"),
    "analysis.class.no_production": ("Tidak ada produksi", "No production"),
    "analysis.class.no_start": ("Tidak ada produksi di tahun awal: pertumbuhan tidak terdefinisi",
                                "No production in the start year: growth undefined"),
    "analysis.field.code": ("Kode wilayah", "Area code"),
    "analysis.field.name": ("Nama", "Name"),
    "analysis.field.parent_code": ("Kode induk", "Parent code"),
    "analysis.field.production": ("Produksi (ton)", "Production (ton)"),
    "analysis.field.area_total": ("Produksi wilayah (ton)", "Area total (ton)"),
    "analysis.field.share_in_area": ("Pangsa di wilayah", "Share in the area"),
    "analysis.field.share_of_reference": ("Pangsa dari referensi", "Share of the reference"),
    "analysis.field.lq": ("LQ", "LQ"),
    "analysis.field.start": ("Produksi awal (ton)", "Start (ton)"),
    "analysis.field.end": ("Produksi akhir (ton)", "End (ton)"),
    "analysis.field.change": ("Perubahan (ton)", "Change (ton)"),
    "analysis.field.growth": ("Pertumbuhan", "Growth"),
    "analysis.field.annual_growth": ("Pertumbuhan per tahun", "Annual growth"),
    "analysis.field.area_growth": ("Pertumbuhan wilayah", "Area growth"),
    "analysis.field.lq_start": ("LQ awal", "LQ at the start"),
    "analysis.field.lq_end": ("LQ akhir", "LQ at the end"),
    "analysis.field.dlq": ("DLQ", "DLQ"),
    "analysis.field.national_share": ("Komponen referensi (N)", "National share (N)"),
    "analysis.field.proportional_shift": ("Pergeseran proporsional (M)", "Proportional shift (M)"),
    "analysis.field.differential_shift": ("Pergeseran diferensial (C)", "Differential shift (C)"),
    "analysis.field.net_shift": ("Pergeseran bersih", "Net shift"),
    "analysis.field.share": ("Pangsa", "Share"),
    "analysis.field.rank": ("Peringkat", "Rank"),
    "analysis.field.class": ("Kelas", "Class"),
    "analysis.field.class_label": ("Keterangan kelas", "Class label"),
    "analysis.field.quadrant": ("Kuadran", "Quadrant"),
    "analysis.field.leading": ("Komoditas unggulan", "Leading commodities"),
    "analysis.field.leading_count": ("Jumlah unggulan", "Leading count"),
    "analysis.field.top_commodity": ("Komoditas teratas", "Top commodity"),
    "analysis.field.commodities": ("Komoditas", "Commodities"),
    "analysis.note.single_commodity": (
        "Hanya {commodity} yang berdata di tingkat {level} untuk {years}: pangsanya di setiap wilayah dan di "
        "referensi sama dengan 1, sehingga LQ (dan DLQ) = 1 menurut definisinya. Muat komoditas lain untuk "
        "tingkat ini agar LQ bermakna.",
        "Only {commodity} has data at {level} level for {years}: its share is 1 in every area and in the reference, "
        "so LQ (and DLQ) = 1 by construction. Load other commodities at this level for a meaningful LQ."),
    "analysis.note.period": ("{start} dan {end}", "{start} and {end}"),
    # how each result was computed (gis.analysis.texts); the symbols are the same in both languages
    "analysis.scope.provinsi": ("provinsi", "province"),
    "analysis.scope.nasional": ("nasional", "nation"),
    "analysis.method.reference_areas": (
        "E_i = Σ_j e_ij, jumlah produksi komoditas i di {n} {level} kabupaten ini; E = Σ_i E_i.",
        "E_i = Σ_j e_ij, the production of commodity i summed over the regency's {n} {level} areas; E = Σ_i E_i."),
    "analysis.method.reference_totals": (
        "E_i = produksi komoditas i tingkat {scope} (kode {code}, tabel comparison_totals); E = Σ_i E_i atas "
        "komoditas yang dipertimbangkan. Pangsa komoditas i dalam produksi wilayah dibandingkan dengan pangsa "
        "komoditas i dalam produksi {scope} atas komoditas yang sama.",
        "E_i = the {scope}'s production of commodity i (code {code}, comparison_totals); E = Σ_i E_i over the "
        "commodities considered. The area's share of commodity i in its own production is compared with the "
        "{scope}'s share of i in its production of the same commodities."),
    "analysis.method.considered": (
        "Komoditas yang dipertimbangkan: {names} (yang berdata di tingkat ini pada semua tahun analisis{totals}); "
        "wilayah tanpa baris untuk suatu komoditas dianggap tidak berproduksi (0).",
        "Commodities considered: {names} (those with data at this level in every year of the analysis{totals}); "
        "an area without a row for a commodity is taken to produce none of it (0)."),
    "analysis.method.considered_totals": (" dan memiliki total referensi", " and with reference totals"),
    "analysis.method.lq": (
        "LQ_ij = (e_ij / e_j) / (E_i / E): e_ij = produksi (ton) komoditas i di wilayah j pada tahun analisis, "
        "e_j = produksi wilayah j atas semua komoditas yang dipertimbangkan.",
        "LQ_ij = (e_ij / e_j) / (E_i / E): e_ij = production (ton) of commodity i in area j in the year, "
        "e_j = area j's production of all commodities considered."),
    "analysis.method.lq_rule": (
        "LQ > 1: basis (pangsa komoditas di wilayah lebih besar dari di referensi, surplus dapat dipasarkan ke "
        "luar); LQ ≤ 1: non-basis.",
        "LQ > 1: basic (the commodity's share in the area exceeds its share in the reference; a surplus to sell "
        "outside); LQ ≤ 1: non-basic."),
    "analysis.method.dlq": (
        "DLQ_ij = [(1 + g_ij) / (1 + g_j)] / [(1 + G_i) / (1 + G)], dengan laju pertumbuhan selama periode "
        "(g = x(akhir) / x(awal) − 1): g_ij komoditas i di wilayah j, g_j total wilayah j, G_i komoditas i di "
        "referensi, G total referensi. Nilainya sama dengan LQ(akhir) / LQ(awal); dengan laju rata-rata tahunan r "
        "selama t tahun: {[(1 + r_ij)/(1 + r_j)] / [(1 + R_i)/(1 + R)]}^t. DLQ > 1: spesialisasi menguat. Kelas "
        "menggabungkan LQ tahun akhir (> 1 basis) dan DLQ (> 1 menguat).",
        "DLQ_ij = [(1 + g_ij) / (1 + g_j)] / [(1 + G_i) / (1 + G)], with growth over the whole period "
        "(g = x(end) / x(start) − 1): g_ij of commodity i in area j, g_j of area j's total, G_i of commodity i in "
        "the reference, G of the reference's total. It equals LQ(end) / LQ(start); with average annual rates r "
        "over t years: {[(1 + r_ij)/(1 + r_j)] / [(1 + R_i)/(1 + R)]}^t. DLQ > 1: specialisation rising. "
        "Classes combine the end-year LQ (> 1 basic) with DLQ (> 1 rising)."),
    "analysis.method.shift_share": (
        "D_ij = e_ij(akhir) − e_ij(awal) = N_ij + M_ij + C_ij. N_ij = e_ij(awal)·G: komponen pertumbuhan "
        "referensi (national/regional share), perubahan bila wilayah tumbuh seperti total referensi. "
        "M_ij = e_ij(awal)·(G_i − G): pergeseran proporsional (bauran komoditas), positif bila komoditas i tumbuh "
        "lebih cepat dari total referensi. C_ij = e_ij(awal)·(g_ij − G_i): pergeseran diferensial (daya saing), "
        "positif bila wilayah tumbuh lebih cepat dari referensi untuk komoditas i. C dihitung sebagai D − N − M "
        "sehingga jumlahnya tepat sama dengan D. Pergeseran bersih = M + C.",
        "D_ij = e_ij(end) − e_ij(start) = N_ij + M_ij + C_ij. N_ij = e_ij(start)·G: national (regional) share, "
        "the change had the area grown like the reference's total. M_ij = e_ij(start)·(G_i − G): proportional "
        "(industry-mix) shift, positive when commodity i grew faster than the reference's total. "
        "C_ij = e_ij(start)·(g_ij − G_i): differential (competitive) shift, positive when the area outgrew the "
        "reference in commodity i. C is computed as D − N − M, so the three add up to D exactly. "
        "Net shift = M + C."),
    "analysis.method.klassen_growth": (
        "Sumbu pertumbuhan: g_ij = e_ij(akhir)/e_ij(awal) − 1, ambang = G_i, pertumbuhan komoditas i di referensi "
        "pada periode yang sama (tumbuh cepat bila g_ij > G_i).",
        "Growth axis: g_ij = e_ij(end)/e_ij(start) − 1, threshold G_i, the reference's growth of commodity i over "
        "the same period (fast when g_ij > G_i)."),
    "analysis.method.klassen_contribution": (
        "Sumbu pangsa (kontribusi): e_ij(akhir) / Σ_j e_ij(akhir), pangsa wilayah dalam produksi kabupaten; "
        "ambang = 1/n, n = jumlah wilayah yang berproduksi pada tahun akhir (maju bila produksinya di atas "
        "rata-rata wilayah penghasil).",
        "Share axis (contribution): e_ij(end) / Σ_j e_ij(end), the area's share of the regency's production; "
        "threshold 1/n, n = number of areas producing in the end year (developed when the area produces more "
        "than the average producing area)."),
    "analysis.method.klassen_specialisation": (
        "Sumbu pangsa (spesialisasi): e_ij/e_j pada tahun akhir, ambang = E_i/E referensi (maju bila LQ > 1).",
        "Share axis (specialisation): e_ij/e_j in the end year, threshold E_i/E of the reference "
        "(developed when LQ > 1)."),
    "analysis.method.klassen_quadrants": (
        "Kuadran I maju dan tumbuh cepat, II maju tapi tertekan, III berkembang cepat, IV relatif tertinggal. "
        "Wilayah tanpa produksi di tahun awal tidak diklasifikasikan.",
        "Quadrant I prime, II developed but depressed, III potential (fast-developing), IV relatively lagging. "
        "Areas without production in the start year are not classified."),
    "analysis.method.leading": (
        "Komoditas unggulan wilayah: LQ > 1 pada tahun analisis (basis) dan tumbuh lebih cepat dari referensi "
        "sejak tahun awal (g_ij > G_i, yaitu pergeseran diferensial shift-share > 0). Peringkat produksi: "
        "1 = wilayah dengan produksi terbesar untuk komoditas itu. Bila komoditas tidak berdata di tahun awal, "
        "hanya kelas basis/non-basis yang diberikan.",
        "Leading commodities of an area: LQ > 1 in the year (basic) and growing faster than the reference since "
        "the start year (g_ij > G_i, i.e. a positive shift-share differential shift). Production rank: 1 = the "
        "area producing the most of that commodity. When a commodity has no data in the start year, only basic / "
        "non-basic is given."),
}

_PLACEHOLDER = re.compile(r"\{(\w+)\}")


def normalize_lang(lang: str | None) -> str:
    """``en`` or ``id`` (the default for anything else)."""
    return "en" if (lang or "").lower() == "en" else DEFAULT_LANG


def t(key: str, lang: str = DEFAULT_LANG, **values: object) -> str:
    """The text of ``key`` in ``lang`` with ``{name}`` placeholders filled; the key itself when unknown.

    As in the browser, only ``{name}`` with a value is a placeholder: other braces are text (a formula's ``{...}^t``).
    """
    pair = CATALOG.get(key)
    if pair is None:
        return key
    text = pair[1] if normalize_lang(lang) == "en" else pair[0]
    return _PLACEHOLDER.sub(lambda m: str(values[m.group(1)]), text) if values else text


def labels(prefix: str, ids: Iterable[str]) -> dict[str, Pair]:
    """``{id: (Indonesian, English)}`` of the keys ``prefix.id``, in the order of ``ids`` (KeyError if one is missing).

    For code that keeps a mapping of coded values to their two labels (``gis.analysis.LQ_CLASSES``).
    """
    return {value: CATALOG[f"{prefix}.{value}"] for value in ids}
