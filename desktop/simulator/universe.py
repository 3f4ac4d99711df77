"""The simulated instruments: a default US + HK universe and deterministic made-up ones for any code."""

from __future__ import annotations

import hashlib
import random
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal

from desktop.domain.symbol_universe import ListedSymbol
from desktop.domain.symbols import Market, Symbol, SymbolError
from desktop.domain.tick_grid import round_to_tick
from desktop.simulator.listing import bundled_listing

__all__ = ["DEFAULT_INSTRUMENTS", "Instrument", "Universe", "parse_wire", "synthesise_instrument"]


@dataclass(frozen=True, slots=True)
class Instrument:
    """Static facts about one simulated stock and the parameters of its price process."""

    symbol: Symbol
    name_en: str
    name_cn: str
    ref_price: Decimal
    """Roughly the previous close the simulation starts from."""
    volatility: float
    """Annualised volatility of the log price (0.3 = 30 %)."""
    lot_size: int
    """HK board lot; 1 for US stocks."""
    activity: float
    """Relative trade frequency: 1 is an average name, 3 a very busy one, 0.2 a quiet one."""
    exchange: str
    board: str
    synthetic: bool = False

    @property
    def market(self) -> Market:
        """The instrument's market."""
        return self.symbol.market

    @property
    def currency(self) -> str:
        """Quote currency (USD or HKD)."""
        return self.symbol.market.currency

    @property
    def wire(self) -> str:
        """Code as the provider sends it (`700.HK`, `AAPL.US`)."""
        return self.symbol.wire


# code, English name, Chinese name, price, volatility, activity, exchange
_US: tuple[tuple[str, str, str, str, float, float, str], ...] = (
    ("AAPL", "Apple Inc.", "苹果", "230.00", 0.26, 3.0, "NASDAQ"),
    ("MSFT", "Microsoft Corporation", "微软", "430.00", 0.24, 2.5, "NASDAQ"),
    ("NVDA", "NVIDIA Corporation", "英伟达", "180.00", 0.50, 3.5, "NASDAQ"),
    ("TSLA", "Tesla, Inc.", "特斯拉", "340.00", 0.60, 3.5, "NASDAQ"),
    ("AMZN", "Amazon.com, Inc.", "亚马逊", "220.00", 0.32, 2.5, "NASDAQ"),
    ("GOOGL", "Alphabet Inc. Class A", "谷歌-A", "200.00", 0.30, 2.0, "NASDAQ"),
    ("META", "Meta Platforms, Inc.", "Meta Platforms", "700.00", 0.38, 2.0, "NASDAQ"),
    ("AMD", "Advanced Micro Devices, Inc.", "超威半导体", "160.00", 0.50, 2.5, "NASDAQ"),
    ("NFLX", "Netflix, Inc.", "奈飞", "1200.00", 0.36, 1.0, "NASDAQ"),
    ("JPM", "JPMorgan Chase & Co.", "摩根大通", "290.00", 0.22, 1.2, "NYSE"),
    ("BRK.B", "Berkshire Hathaway Inc. Class B", "伯克希尔-B", "480.00", 0.16, 0.6, "NYSE"),
    ("V", "Visa Inc.", "Visa", "340.00", 0.20, 0.9, "NYSE"),
    ("MA", "Mastercard Incorporated", "万事达", "560.00", 0.21, 0.6, "NYSE"),
    ("UNH", "UnitedHealth Group Incorporated", "联合健康", "300.00", 0.35, 0.9, "NYSE"),
    ("XOM", "Exxon Mobil Corporation", "埃克森美孚", "110.00", 0.24, 0.9, "NYSE"),
    ("JNJ", "Johnson & Johnson", "强生", "170.00", 0.16, 0.6, "NYSE"),
    ("WMT", "Walmart Inc.", "沃尔玛", "100.00", 0.20, 1.0, "NASDAQ"),
    ("PG", "The Procter & Gamble Company", "宝洁", "155.00", 0.16, 0.5, "NYSE"),
    ("HD", "The Home Depot, Inc.", "家得宝", "400.00", 0.22, 0.5, "NYSE"),
    ("KO", "The Coca-Cola Company", "可口可乐", "70.00", 0.15, 0.6, "NYSE"),
    ("PEP", "PepsiCo, Inc.", "百事", "145.00", 0.17, 0.5, "NASDAQ"),
    ("COST", "Costco Wholesale Corporation", "好市多", "950.00", 0.22, 0.5, "NASDAQ"),
    ("AVGO", "Broadcom Inc.", "博通", "330.00", 0.48, 1.8, "NASDAQ"),
    ("ORCL", "Oracle Corporation", "甲骨文", "250.00", 0.40, 1.2, "NYSE"),
    ("CRM", "Salesforce, Inc.", "赛富时", "250.00", 0.32, 0.7, "NYSE"),
    ("INTC", "Intel Corporation", "英特尔", "24.00", 0.45, 1.5, "NASDAQ"),
    ("CSCO", "Cisco Systems, Inc.", "思科", "68.00", 0.22, 0.8, "NASDAQ"),
    ("DIS", "The Walt Disney Company", "迪士尼", "115.00", 0.26, 0.7, "NYSE"),
    ("BA", "The Boeing Company", "波音", "220.00", 0.34, 0.8, "NYSE"),
    ("NKE", "NIKE, Inc.", "耐克", "75.00", 0.33, 0.7, "NYSE"),
    ("PFE", "Pfizer Inc.", "辉瑞", "25.00", 0.24, 0.8, "NYSE"),
    ("BAC", "Bank of America Corporation", "美国银行", "50.00", 0.25, 1.2, "NYSE"),
    ("BABA", "Alibaba Group Holding Limited", "阿里巴巴", "150.00", 0.45, 1.5, "NYSE"),
)

# code, English name, Chinese name, price, volatility, board lot, activity
_HK: tuple[tuple[str, str, str, str, float, int, float], ...] = (
    ("00700", "Tencent Holdings Ltd.", "腾讯控股", "600.00", 0.32, 100, 3.0),
    ("09988", "Alibaba Group Holding Ltd.", "阿里巴巴-W", "150.00", 0.45, 100, 3.0),
    ("00005", "HSBC Holdings plc", "汇丰控股", "100.00", 0.20, 400, 2.0),
    ("01299", "AIA Group Ltd.", "友邦保险", "72.00", 0.28, 200, 1.5),
    ("00941", "China Mobile Ltd.", "中国移动", "85.00", 0.18, 500, 1.2),
    ("03690", "Meituan", "美团-W", "100.00", 0.50, 100, 2.5),
    ("00388", "Hong Kong Exchanges and Clearing Ltd.", "香港交易所", "420.00", 0.30, 100, 1.5),
    ("02318", "Ping An Insurance (Group) Co. of China, Ltd.", "中国平安", "55.00", 0.30, 500, 1.5),
    ("01810", "Xiaomi Corporation", "小米集团-W", "50.00", 0.50, 200, 3.0),
    ("00939", "China Construction Bank Corporation", "建设银行", "7.60", 0.22, 1000, 1.2),
    ("01398", "Industrial and Commercial Bank of China Ltd.", "工商银行", "6.00", 0.20, 1000, 1.0),
    ("00883", "CNOOC Ltd.", "中国海洋石油", "19.00", 0.30, 1000, 1.0),
    ("00016", "Sun Hung Kai Properties Ltd.", "新鸿基地产", "90.00", 0.26, 500, 0.5),
    ("00001", "CK Hutchison Holdings Ltd.", "长和", "50.00", 0.24, 500, 0.5),
    ("00002", "CLP Holdings Ltd.", "中电控股", "66.00", 0.14, 500, 0.3),
    ("00011", "Hang Seng Bank Ltd.", "恒生银行", "115.00", 0.20, 100, 0.4),
    ("02020", "ANTA Sports Products Ltd.", "安踏体育", "90.00", 0.38, 200, 0.8),
    ("09618", "JD.com, Inc.", "京东集团-SW", "125.00", 0.45, 50, 1.5),
    ("01211", "BYD Company Ltd.", "比亚迪股份", "110.00", 0.45, 500, 2.0),
    ("00027", "Galaxy Entertainment Group Ltd.", "银河娱乐", "38.00", 0.38, 1000, 0.8),
    ("00175", "Geely Automobile Holdings Ltd.", "吉利汽车", "17.00", 0.48, 1000, 1.2),
    ("02388", "BOC Hong Kong (Holdings) Ltd.", "中银香港", "35.00", 0.22, 500, 0.5),
    ("00857", "PetroChina Company Ltd.", "中国石油股份", "7.30", 0.28, 2000, 0.8),
    (
        "00386",
        "China Petroleum & Chemical Corporation",
        "中国石油化工股份",
        "4.40",
        0.24,
        2000,
        0.6,
    ),
    ("01024", "Kuaishou Technology", "快手-W", "75.00", 0.55, 100, 1.8),
    ("09999", "NetEase, Inc.", "网易-S", "200.00", 0.36, 100, 0.8),
    ("02269", "WuXi Biologics (Cayman) Inc.", "药明生物", "30.00", 0.60, 500, 1.0),
    (
        "00981",
        "Semiconductor Manufacturing International Corp.",
        "中芯国际",
        "70.00",
        0.60,
        500,
        2.0,
    ),
    ("00823", "Link Real Estate Investment Trust", "领展房产基金", "38.00", 0.20, 100, 0.4),
    ("00066", "MTR Corporation Ltd.", "港铁公司", "28.00", 0.16, 500, 0.2),
    ("00003", "The Hong Kong and China Gas Co. Ltd.", "香港中华煤气", "6.70", 0.16, 1000, 0.2),
)


def _build_defaults() -> tuple[Instrument, ...]:
    items: list[Instrument] = []
    for code, name_en, name_cn, price, vol, activity, exchange in _US:
        items.append(
            Instrument(
                Symbol(code, Market.US),
                name_en,
                name_cn,
                Decimal(price),
                vol,
                1,
                activity,
                exchange,
                exchange,
            )
        )
    for code, name_en, name_cn, price, vol, lot, activity in _HK:
        items.append(
            Instrument(
                Symbol(code, Market.HK),
                name_en,
                name_cn,
                Decimal(price),
                vol,
                lot,
                activity,
                "HKEX",
                "MAIN",
            )
        )
    return tuple(items)


DEFAULT_INSTRUMENTS: tuple[Instrument, ...] = _build_defaults()
"""The built-in universe: about thirty large US names and thirty Hang Seng constituents."""

_HK_LOTS = (100, 200, 400, 500, 1000, 2000)


def synthesise_instrument(symbol: Symbol, listed: ListedSymbol | None = None) -> Instrument:
    """A plausible instrument for a code outside the table, always the same for one code.

    Its name, lot and exchange come from the bundled universe (`listed`) when the code is there;
    an unlisted code is named plainly as simulated, never given an invented company name.
    """
    digest = hashlib.sha256(str(symbol).encode()).digest()
    rng = random.Random(int.from_bytes(digest[:8], "big"))
    if symbol.market is Market.US:
        raw = Decimal(f"{rng.lognormvariate(3.8, 0.9):.4f}")
        price = round_to_tick(Market.US, max(raw, Decimal("2")))
        lot, exchange = 1, rng.choice(("NASDAQ", "NYSE"))
    else:
        raw = Decimal(f"{rng.lognormvariate(2.3, 1.1):.4f}")
        price = round_to_tick(Market.HK, max(raw, Decimal("0.5")))
        lot, exchange = rng.choice(_HK_LOTS), "HKEX"
    name, name_cn = f"Simulated {symbol.code}", ""
    if listed is not None:
        name, name_cn = listed.name or name, listed.name_zh
        lot = listed.lot_size if symbol.market is Market.HK else 1
        exchange = listed.exchange or exchange
    return Instrument(
        symbol=symbol,
        name_en=name,
        name_cn=name_cn,
        ref_price=price,
        volatility=round(rng.uniform(0.2, 0.6), 2),
        lot_size=lot,
        activity=round(rng.uniform(0.2, 1.0), 2),
        exchange=exchange,
        board=exchange if symbol.market is Market.US else "MAIN",
        synthetic=True,
    )


class Universe:
    """The instruments a simulated market knows, looked up by symbol or by wire code."""

    def __init__(
        self,
        instruments: Iterable[Instrument] = DEFAULT_INSTRUMENTS,
        listing: Mapping[Symbol, ListedSymbol] | None = None,
    ) -> None:
        self._listing = bundled_listing() if listing is None else listing
        self._by_symbol: dict[Symbol, Instrument] = {}
        for instrument in instruments:
            self._by_symbol[instrument.symbol] = instrument

    def __len__(self) -> int:
        return len(self._by_symbol)

    def __iter__(self) -> Iterator[Instrument]:
        return iter(self._by_symbol.values())

    def __contains__(self, symbol: object) -> bool:
        return symbol in self._by_symbol

    def get(self, symbol: Symbol) -> Instrument | None:
        """The instrument for a symbol, or None when it is not in this universe."""
        return self._by_symbol.get(symbol)

    def add(self, instrument: Instrument) -> None:
        """Add (or replace) one instrument."""
        self._by_symbol[instrument.symbol] = instrument

    def symbols(self, market: Market | None = None) -> list[Symbol]:
        """All symbols, optionally of one market, in table order."""
        return [s for s in self._by_symbol if market is None or s.market is market]

    def resolve(self, code: str, *, synthesise: bool = False) -> Instrument | None:
        """The instrument for a wire code (`700.HK`), adding a made-up one if `synthesise` is set.

        Only the exact wire form is accepted (no leading zeros, upper case, suffix required), as
        the real server only knows its product list's spelling (reference §1.1).
        """
        symbol = parse_wire(code)
        if symbol is None:
            return None
        found = self._by_symbol.get(symbol)
        if found is None and synthesise:
            found = synthesise_instrument(symbol, self._listing.get(symbol))
            self._by_symbol[symbol] = found
        return found


def parse_wire(code: str) -> Symbol | None:
    """The symbol for an exact wire code, or None for display forms (`00700.HK`) and junk."""
    if not code.endswith((".US", ".HK")):
        return None
    try:
        symbol = Symbol.from_wire(code)
    except SymbolError:
        return None
    return symbol if symbol.wire == code else None
